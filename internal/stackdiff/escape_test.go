package stackdiff

import "testing"

// ordinary values print as they are in every format.
var ordinary = []string{"acme", "us-east-1", "Acme Corporation", "Müller & Söhne GmbH", "cron(0 2 * * ? *)",
	"db.r6g.large", "0.5", "ops@umbrella.example.com", "https://github.com/amplify-tenancy/storefront", "release/2024.1"}

func TestTextEscapesWhatCouldForgeALine(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"newline", "acme\n  ! no data risk", `"acme\n  ! no data risk"`},
		{"carriage return", "acme\rno data risk", `"acme\rno data risk"`},
		{"escape sequence", "\x1b[2J\x1b[Hno data risk", `"\x1b[2J\x1b[Hno data risk"`},
		{"C1 control", "a\u009bb", `"a\u009bb"`},
		{"line separator", "a\u2028b", `"a\u2028b"`},
		{"paragraph separator", "a\u2029b", `"a\u2029b"`},
		{"bidi override", "us-east-1\u202e", `"us-east-1\u202e"`},
		{"zero width space", "ac\u200bme", `"ac\u200bme"`},
		{"tab", "a\tb", `"a\tb"`},
		{"invalid UTF-8", "a\xffb", `"a\xffb"`},
		{"leading space", " acme", `" acme"`},
		{"trailing space", "acme ", `"acme "`},
		{"looks quoted", `"acme"`, `"\"acme\""`},
		{"credential", "https://x-access-token:s3cr3t@github.com/o/r", "https://[redacted]@github.com/o/r"},
		{"credential and newline", "https://u:s3cr3t@h\n", `"https://[redacted]@h\n"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Text(c.in); got != c.want {
				t.Errorf("Text(%q) = %s, want %s", c.in, got, c.want)
			}
		})
	}
	for _, v := range ordinary {
		if got := Text(v); got != v {
			t.Errorf("Text(%q) = %q, want it unchanged", v, got)
		}
	}
}

func TestLineEscapesOnlyWhatIsNotPrintable(t *testing.T) {
	cases := []struct{ in, want string }{
		{`tenant "acme": region: "x" is wrong`, `tenant "acme": region: "x" is wrong`},
		{"regoin\nerror: fake: ok", `regoin\nerror: fake: ok`},
		{"a\x1b[31mred\u2028b\xff", `a\x1b[31mred\u2028b\xff`},
		{`"http://u:s3cr3t@example.com" must be an https:// repository URL`, `"http://[redacted]@example.com" must be an https:// repository URL`},
	}
	for _, c := range cases {
		if got := Line(c.in); got != c.want {
			t.Errorf("Line(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestMarkdownEscapesMetacharacters(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"html comment", "x <!-- hide", `x &lt;!-- hide`},
		{"comment end", "--> x", `--&gt; x`},
		{"backticks", "a`b``c", "a\\`b\\`\\`c"},
		{"fence", "```", "\\`\\`\\`"},
		{"pipe", "a|b", `a\|b`},
		{"emphasis", "*bold* _it_ ~~gone~~", `\*bold\* \_it\_ \~\~gone\~\~`},
		{"link", "[click](https://evil.example)", `\[click\](https://evil.example)`},
		{"math", "$\\color{white}x$", `\$\\color{white}x\$`},
		{"html", "<img src=x>", `&lt;img src=x&gt;`},
		{"entity", "&lt;", `&amp;lt;`},
		{"newline", "a\n### no data risk", `"a\\n### no data risk"`},
		{"credential", "https://u:s3cr3t@h/o", `https://\[redacted\]&#64;h/o`},
		{"mention", "ping @octocat and @org/team", `ping &#64;octocat and &#64;org/team`},
		{"issue reference", "fixes #1, see owner/repo#2", `fixes &#35;1, see owner/repo&#35;2`},
		{"e-mail", "ops@umbrella.example.com", `ops&#64;umbrella.example.com`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Markdown(c.in); got != c.want {
				t.Errorf("Markdown(%q) = %s, want %s", c.in, got, c.want)
			}
		})
	}
	for _, v := range []string{"acme", "us-east-1", "Acme Corporation", "db.r6g.large", "0.5", "release/2024.1", "Müller GmbH"} {
		if got := Markdown(v); got != v {
			t.Errorf("Markdown(%q) = %q, want it unchanged", v, got)
		}
	}
}

func TestCodeFallsBackToEscapedText(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"ordinary", "database.instances", "`database.instances`"},
		{"spaces", "Acme Corporation", "`Acme Corporation`"},
		{"markdown inside a code span is inert", "*x* _y_ $z$", "`*x* _y_ $z$`"},
		{"backtick", "a` <!-- b", "a\\` &lt;!-- b"},
		{"html comment", "<!--", "&lt;!--"},
		{"pipe", "a|b", `a\|b`},
		{"backslash", `a\b`, `a\\b`},
		{"newline", "a\nb", `"a\\nb"`},
		{"credential", "https://tok@github.com/o/r", "`https://[redacted]@github.com/o/r`"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Code(c.in); got != c.want {
				t.Errorf("Code(%q) = %s, want %s", c.in, got, c.want)
			}
		})
	}
}

func TestBlockSafe(t *testing.T) {
	cases := []struct{ in, want string }{
		{"acme", "acme"},
		{"# no data risk", `\# no data risk`},
		{"- x", `\- x`},
		{"+ x", `\+ x`},
		{"=== x", `\=== x`},
		{"1. x", `1\. x`},
		{"12) x", `12\) x`},
		{"0.5: a -> b", `0\.5: a -> b`},
		{"10 -> 20", "10 -> 20"},
		{"", ""},
	}
	for _, c := range cases {
		if got := BlockSafe(c.in); got != c.want {
			t.Errorf("BlockSafe(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestRedactURLs(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"user and password", "https://x-access-token:ghp_s3cr3t@github.com/o/r", "https://[redacted]@github.com/o/r"},
		{"token as user", "https://ghp_s3cr3t@github.com/o/r", "https://[redacted]@github.com/o/r"},
		{"@ in the password", "https://u:p@ss@github.com/o/r", "https://[redacted]@github.com/o/r"},
		{"no path", "https://u:s3cr3t@github.com", "https://[redacted]@github.com"},
		{"upper-case scheme", "HTTPS://u:s3cr3t@github.com/o", "HTTPS://[redacted]@github.com/o"},
		{"several, in JSON", `["https://a:s1@h/x","git+ssh://b:s2@h2"]`, `["https://[redacted]@h/x","git+ssh://[redacted]@h2"]`},
		{"quoted in a message", `"http://u:s3cr3t@h" must be an https:// repository URL`, `"http://[redacted]@h" must be an https:// repository URL`},
		{"without a scheme", "x-access-token:s3cr3t@github.com/o/r", "[redacted]@github.com/o/r"},
		{"without a scheme, after a space", "repository x-access-token:s3cr3t@github.com/o/r", "repository [redacted]@github.com/o/r"},
		{"no credential", "https://github.com/o/r", "https://github.com/o/r"},
		{"email", "ops@umbrella.example.com", "ops@umbrella.example.com"},
		{"at sign in the path", "https://github.com/o/r@v1", "https://github.com/o/r@v1"},
		{"field and email", "notifyEmail: ops@x.example.com", "notifyEmail: ops@x.example.com"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := RedactURLs(c.in); got != c.want {
				t.Errorf("RedactURLs(%q) = %s, want %s", c.in, got, c.want)
			}
		})
	}
}

func TestMarkerCannotCloseTheComment(t *testing.T) {
	cases := []struct{ in, want string }{
		{"prod", "<!-- tenancy-diff:prod -->"},
		{"prod-eu_1.x", "<!-- tenancy-diff:prod-eu_1.x -->"},
		{"x -->\n# no data risk <!--", "<!-- tenancy-diff:x%20-%2D%3E%0A%23%20no%20data%20risk%20%3C%21-%2D -->"},
		{"a`b", "<!-- tenancy-diff:a%60b -->"},
	}
	for _, c := range cases {
		if got := Marker(c.in); got != c.want {
			t.Errorf("Marker(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestIsSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"accessToken": true, "basicAuthPassword": true, "aws:secretKey": true, "aws:accessKey": true,
		"environment.STRIPE_API_KEY": true, "environment.API_TOKEN.secure": true, "x.secure": true,
		"repository": false, "basicAuthUsername": false, "environment.FEATURE_FLAGS": false,
		"database.kmsKeyArn": false, "backup.notifyEmail": false, "securityGroupIds": false,
	} {
		if got := IsSecretName(name); got != want {
			t.Errorf("IsSecretName(%q) = %v, want %v", name, got, want)
		}
	}
}
