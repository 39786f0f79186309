package awsrules

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// Unknown stands for a value known only after deployment, as in a
// preview: present, but not checked until known.
type Unknown struct{}

// Plain turns resource inputs into the plain values Check reads: secrets
// and known outputs unwrapped, unknowns as Unknown.
func Plain(m resource.PropertyMap) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[string(k)] = plain(v)
	}
	return out
}

func plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsOutput():
		if !v.OutputValue().Known {
			return Unknown{}
		}
		return plain(v.OutputValue().Element)
	case v.IsComputed():
		return Unknown{}
	case v.IsArray():
		// A list with an unknown element is unknown as a whole: its length
		// and contents are known only after deployment.
		var out []any
		for _, e := range v.ArrayValue() {
			p := plain(e)
			if p == (Unknown{}) {
				return Unknown{}
			}
			out = append(out, p)
		}
		return out
	case v.IsObject():
		return Plain(v.ObjectValue())
	}
	return v.Mappable()
}
