package iampolicy

import (
	"slices"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, action string
		want            bool
	}{
		{"kms:CreateKey", "kms:CreateKey", true},
		{"kms:createkey", "KMS:CreateKey", true},
		{"kms:Enable*", "kms:EnableKeyRotation", true},
		{"iam:*RolePolicy", "iam:AttachRolePolicy", true},
		{"iam:*RolePolicy", "iam:AttachUserPolicy", false},
		{"*", "rds:DeleteDBCluster", true},
		{"rds:Delete?BCluster", "rds:DeleteDBCluster", true},
		{"sns:Get*", "sqs:GetQueueUrl", false},
	} {
		if got := Match(c.pattern, c.action); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.action, got, c.want)
		}
	}
}

func TestIsReadOnly(t *testing.T) {
	for _, c := range []struct {
		action string
		want   bool
	}{
		{"amplify:GetApp", true},
		{"amplify:Get*", true},
		{"rds:Describe*", true},
		{"dynamodb:BatchGetItem", true},
		{"sts:AssumeRole", true},
		{"amplify:*", false},
		{"*", false},
		{"amplify:G*", false},
		{"iam:PassRole", false},
		{"sns:Publish", false},
		{"kms:Decrypt", false},
	} {
		if got := IsReadOnly(c.action); got != c.want {
			t.Errorf("IsReadOnly(%q) = %v, want %v", c.action, got, c.want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for name, doc := range map[string]string{
		"old version":   `{"Version":"2008-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
		"no sid":        `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
		"repeated sid":  `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
		"bad effect":    `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"allow","Action":"s3:GetObject","Resource":"*"}]}`,
		"no resource":   `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject"}]}`,
		"no action":     `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Resource":"*"}]}`,
		"bad action":    `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"GetObject","Resource":"*"}]}`,
		"not json list": `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":3,"Resource":"*"}]}`,
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("%s: Parse accepted %s", name, doc)
		}
	}
}

func TestSizeIgnoresWhitespace(t *testing.T) {
	if got := Size([]byte("{ \"a\" :\n\t\"b c\" }")); got != 10 {
		t.Errorf("Size = %d, want 10", got)
	}
}

func TestAllows(t *testing.T) {
	d := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"Read","Effect":"Allow","Action":["kms:Get*","kms:Describe*"],"Resource":"*"},
		{"Sid":"AllButIam","Effect":"Allow","NotAction":["iam:*","kms:*"],"Resource":"*"},
		{"Sid":"NoDelete","Effect":"Deny","Action":"rds:DeleteDBCluster","Resource":"*"},
		{"Sid":"TaggedOnly","Effect":"Deny","Action":"dynamodb:DeleteTable","Resource":"*",
		 "Condition":{"StringNotEquals":{"aws:ResourceTag/managed-by":"tenancy"}}}]}`)
	for _, c := range []struct {
		action string
		want   bool
	}{
		{"kms:GetKeyPolicy", true},
		{"kms:PutKeyPolicy", false},
		{"iam:CreateRole", false},
		{"rds:CreateDBCluster", true},
		{"rds:DeleteDBCluster", false},
		{"dynamodb:DeleteTable", true},
	} {
		if got := d.Allows(c.action); got != c.want {
			t.Errorf("Allows(%q) = %v, want %v", c.action, got, c.want)
		}
	}
}

func TestCheckFindsEachGap(t *testing.T) {
	full := `{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":["kms:*","sts:*"],"Resource":"*"}]}`
	read := `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["kms:Describe*","kms:Get*","kms:List*","sts:GetCallerIdentity","sts:AssumeRole"],"Resource":"*"}]}`
	for _, c := range []struct {
		name, deployer, preview, want string
		types                         []string
	}{
		{"covered", full, read, "", []string{"aws:kms/key:Key", "pulumi:providers:aws"}},
		{"no row", full, read, "no row", []string{"aws:s3/bucket:Bucket"}},
		{"deployer lacks", strings.Replace(full, `"kms:*",`, `"kms:Describe*",`, 1), read, "deployer policy lacks kms:CreateKey", []string{"aws:kms/key:Key"}},
		{"preview lacks", full, strings.Replace(read, `"kms:Get*",`, "", 1), "preview policy lacks kms:GetKeyPolicy", []string{"aws:kms/key:Key"}},
		{"preview mutates", full, strings.Replace(read, `"kms:Get*"`, `"kms:*"`, 1), "preview policy grants kms:*", []string{"aws:kms/key:Key"}},
	} {
		errs := Check(c.types, mustParse(t, c.deployer), mustParse(t, c.preview))
		var all []string
		for _, e := range errs {
			all = append(all, e.Error())
		}
		got := strings.Join(all, "\n")
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: Check = %q, want %q", c.name, got, c.want)
		}
	}
}

// TestTableRowsHold keeps the table honest: every row names its source,
// every action is service:Name, and every exclusion names a permission of
// the row's handlers (a read one, for a preview skip) and says why.
func TestTableRowsHold(t *testing.T) {
	for typ, row := range Table {
		if row.Source == "" {
			t.Errorf("%s: no source", typ)
		}
		for _, a := range row.handlers() {
			if !validAction(a) || strings.Contains(a, "*") {
				t.Errorf("%s: %q is not one action", typ, a)
			}
		}
		checkReasons(t, typ, "excluded", row.Excluded, row.handlers())
		checkReasons(t, typ, "preview skip", row.PreviewSkips, row.Read)
	}
	for _, inv := range Invokes {
		if _, ok := Table[inv]; !ok {
			t.Errorf("invoke %s: no row", inv)
		}
	}
}

func checkReasons(t *testing.T, typ, what string, m map[string]string, handlers []string) {
	t.Helper()
	for a, why := range m {
		if why == "" {
			t.Errorf("%s: %s %s has no reason", typ, what, a)
		}
		if !slices.Contains(handlers, a) {
			t.Errorf("%s: %s %s is not a permission of its handlers", typ, what, a)
		}
	}
}

func mustParse(t *testing.T, doc string) *Document {
	t.Helper()
	d, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return d
}
