package stackconfig

import (
	"reflect"
	"testing"
)

// Tenants, quotas and network are read by one strict decoder
// (decodeStrict), so each refuses the same mistakes the same way: a key in
// the wrong case, a key given twice (a program gets JSON from the engine,
// where nothing stops that), a value of the wrong type, without hiding the
// other problems.
func TestTenantsQuotasAndNetworkAreDecodedAlike(t *testing.T) {
	const sg = `"securityGroupIds": ["sg-01234567"]`
	tenants := tenantsIn(t, 1, "eu-central-1")
	cases := []struct {
		name, key, value string
		wants            []string
	}{
		{"tenant key in the wrong case", KeyTenants, `[{"id":"acme","name":"A","region":"eu-west-1","Region":"eu-west-2"}]`,
			[]string{`tenant "acme": Region: unknown key; did you mean "region"?`}},
		{"tenant key twice", KeyTenants, `[{"id":"acme","name":"A","region":"eu-west-1","region":"moon-1"}]`,
			[]string{`tenant "acme": region: is set twice; keep one`}},
		{"tenant nested key twice", KeyTenants, `[{"id":"acme","name":"A","region":"eu-west-1","database":{"engine":"dynamodb","engine":"aurora-postgresql"}}]`,
			[]string{`tenant "acme": database.engine: is set twice; keep one`}},
		{"tenant type error and more", KeyTenants, `[{"id":"acme","name":"A","region":"moon-1","tier":3}]`,
			[]string{`tenant "acme": tier: want a string, got 3`, `tenant "acme": region: "moon-1" does not offer Amplify Hosting`}},

		{"quota key in the wrong case", KeyQuotas, `{"AmplifyApps": 30}`,
			[]string{`quotas.AmplifyApps: unknown key; did you mean "amplifyApps"?`}},
		{"quota key twice", KeyQuotas, `{"amplifyApps": 30, "amplifyApps": 1}`,
			[]string{`quotas.amplifyApps: is set twice; keep one`}},
		{"quota type error and more", KeyQuotas, `{"amplifyApps": "many", "dynamodbTables": 0, "auroraInstance": 3}`,
			[]string{`quotas.amplifyApps: want a whole number, got string "many"`, `quotas.dynamodbTables: 0 must be at least 1`,
				`quotas.auroraInstance: unknown key; did you mean "auroraInstances"?`}},
		{"quotas not an object", KeyQuotas, `[1]`,
			[]string{`quotas: must be an object such as {amplifyApps: 100}, got a list`}},

		{"network key in the wrong case", KeyNetwork, `{"eu-west-1": {"SubnetGroup": "db", ` + sg + `}}`,
			[]string{`network.eu-west-1.SubnetGroup: unknown key; did you mean "subnetGroup"?`}},
		{"network key twice", KeyNetwork, `{"eu-west-1": {"subnetGroup": "db", "subnetGroup": "other", ` + sg + `}}`,
			[]string{`network.eu-west-1.subnetGroup: is set twice; keep one`}},
		{"network region twice", KeyNetwork, `{"eu-west-1": {"subnetGroup": "db", ` + sg + `}, "eu-west-1": {"subnetGroup": "other", ` + sg + `}}`,
			[]string{`network.eu-west-1: is set twice; keep one`}},
		{"network type error and more", KeyNetwork, `{"eu-west-1": {"subnetGroup": 5, ` + sg + `}, "moon-1": {"subnetGroup": "db", ` + sg + `}}`,
			[]string{`network.eu-west-1.subnetGroup: want a string, got 5`, `network.moon-1: "moon-1" does not offer Amplify Hosting`}},
		{"security groups not a list", KeyNetwork, `{"eu-west-1": {"subnetGroup": "db", "securityGroupIds": "sg-01234567"}}`,
			[]string{`network.eu-west-1.securityGroupIds: want a list, got string "sg-01234567"`}},
		{"a security group twice", KeyNetwork, `{"eu-west-1": {"subnetGroup": "db", "securityGroupIds": ["sg-01234567", "sg-01234567"]}}`,
			[]string{`network.eu-west-1.securityGroupIds[1]: "sg-01234567" is listed twice (first at securityGroupIds[0])`}},
		{"network not an object", KeyNetwork, `eu-west-1`,
			[]string{`network: must map regions to {subnetGroup, securityGroupIds}, got string "eu-west-1"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			values := fleetConfig(tenants)
			values[c.key] = c.value
			_, err := Parse(mapSource(values))
			checkProblems(t, err, c.wants...)
		})
	}
}

func TestDecodeStrict(t *testing.T) {
	type inner struct {
		N int     `json:"n"`
		F float64 `json:"f"`
	}
	type outer struct {
		S     string            `json:"s"`
		B     bool              `json:"b"`
		In    inner             `json:"in"`
		Ptr   *inner            `json:"ptr"`
		List  []string          `json:"list"`
		Map   map[string]string `json:"map"`
		Plain string
	}
	cases := []struct {
		name, raw string
		want      outer
		problems  []problem
	}{
		{"every kind", `{"s":"x","b":true,"in":{"n":2,"f":0.5},"ptr":{"n":3},"list":["a"],"map":{"k":"v"}}`,
			outer{S: "x", B: true, In: inner{N: 2, F: 0.5}, Ptr: &inner{N: 3}, List: []string{"a"}, Map: map[string]string{"k": "v"}}, nil},
		{"nulls leave zero values", `{"s":null,"ptr":null,"list":null}`, outer{}, nil},
		{"wrong types keep the other fields", `{"s":1,"b":"yes","in":{"n":1.5,"f":"x"},"list":["a",2],"map":{"k":[]},"ptr":{"n":4}}`,
			outer{In: inner{}, List: []string{"a", ""}, Map: map[string]string{"k": ""}, Ptr: &inner{N: 4}},
			[]problem{
				{field: "s", msg: "want a string, got 1"},
				{field: "b", msg: `want true or false, got string "yes"`},
				{field: "in.n", msg: "want a whole number, got 1.5"},
				{field: "in.f", msg: `want a number, got string "x"`},
				{field: "list[1]", msg: "want a string, got 2"},
				{field: "map.k", msg: "want a string, got a list"},
			}},
		{"unknown keys, exact spelling only", `{"S":"x","Plain":"y","zzz":1}`, outer{},
			[]problem{
				{field: "S", msg: `unknown key; did you mean "s"?`, unknown: true},
				{field: "Plain", msg: "unknown key; known keys are b, in, list, map, ptr, s", unknown: true},
				{field: "zzz", msg: "unknown key; known keys are b, in, list, map, ptr, s", unknown: true},
			}},
		{"a key twice", `{"s":"x","s":"y"}`, outer{S: "x"}, []problem{{field: "s", msg: "is set twice; keep one"}}},
		{"out of range", `{"in":{"n":1e30,"f":1e999}}`, outer{},
			[]problem{{field: "in.n", msg: "1e30 is out of range"}, {field: "in.f", msg: "1e999 is out of range"}}},
		{"not JSON", `x y`, outer{}, []problem{{field: "", msg: `want an object, got string "x y"`}}},
		{"not an object", `[1]`, outer{}, []problem{{field: "", msg: "want an object, got a list"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got outer
			problems := decodeStrict([]byte(c.raw), &got)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("decoded %+v, want %+v", got, c.want)
			}
			if !reflect.DeepEqual(problems, c.problems) {
				t.Errorf("problems\n%+v\nwant\n%+v", problems, c.problems)
			}
		})
	}
}
