package tenant

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/amplify"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// site is what the rest of the tenant needs to know of its Amplify app.
type site struct {
	appID, defaultDomain, branchURL pulumi.StringOutput
	// domainRecords are the DNS records the custom domain needs (domain).
	domainRecords pulumi.StringArrayOutput
}

// spaRewrite sends every path that is not a static file to index.html, the
// rewrite Amplify documents for single-page apps. SSR apps route themselves.
var spaRewrite = amplify.AppCustomRuleArgs{
	Source: pulumi.String(`</^[^.]+$|\.(?!(css|gif|ico|jpg|js|png|txt|svg|woff|woff2|ttf|map|json|webp)$)([^.]+$)/>`),
	Target: pulumi.String("/index.html"),
	Status: pulumi.String("200"),
}

// site creates the Amplify app, its branch and the optional custom domain.
// An offboarded tenant has none: its site is gone, its data stays.
func (b *builder) site(key *kms.Key, db *database) (*site, error) {
	if b.args.Status == StatusOffboarded {
		empty := pulumi.String("").ToStringOutput()
		return &site{appID: empty, defaultDomain: empty, branchURL: empty, domainRecords: noRecords()}, nil
	}
	app, err := b.app(key, db)
	if err != nil {
		return nil, err
	}
	branch, err := b.branch(app)
	if err != nil {
		return nil, err
	}
	records, err := b.domain(app, branch)
	if err != nil {
		return nil, err
	}
	// Amplify serves branch "feature/x" at feature-x.<default domain>.
	host := strings.ReplaceAll(b.args.Branch, "/", "-")
	return &site{
		appID:         app.ID().ToStringOutput(),
		defaultDomain: app.DefaultDomain,
		branchURL:     pulumi.Sprintf("https://%s.%s", host, app.DefaultDomain),
		domainRecords: records,
	}, nil
}

func (b *builder) app(key *kms.Key, db *database) (*amplify.App, error) {
	a := b.args
	contract := b.contract()
	userVars := a.EnvironmentVariables
	vars := pulumi.All(db.name, db.arn, db.secretArn).ApplyT(func(v []any) (map[string]string, error) {
		return contract.withDatabase(db, v[0].(string), v[1].(string), v[2].(string)).variables(userVars)
	}).(pulumi.StringMapOutput)
	service, err := b.serviceRole()
	if err != nil {
		return nil, err
	}
	args := &amplify.AppArgs{
		Name:                 pulumi.String(a.Environment + "-" + b.id),
		Description:          pulumi.String(a.DisplayName),
		Repository:           pulumi.String(a.Repository),
		AccessToken:          pulumi.ToSecret(a.AccessToken).(pulumi.StringOutput),
		Platform:             pulumi.String(string(a.Platform)),
		IamServiceRoleArn:    service.Arn,
		EnvironmentVariables: vars,
		Tags:                 b.tags(),
	}
	if a.BuildSpec != "" {
		args.BuildSpec = pulumi.String(a.BuildSpec)
	}
	if a.Platform == PlatformWeb {
		args.CustomRules = amplify.AppCustomRuleArray{spaRewrite}
	} else {
		role, err := b.computeRole(key, db)
		if err != nil {
			return nil, err
		}
		args.ComputeRoleArn = role.Arn
	}
	app, err := amplify.NewApp(b.ctx, b.name("app"), args, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("amplify app: %w", err)
	}
	return app, nil
}

func (b *builder) branch(app *amplify.App) (*amplify.Branch, error) {
	a := b.args
	stage := "DEVELOPMENT"
	if a.IsProduction() {
		stage = "PRODUCTION"
	}
	args := &amplify.BranchArgs{
		AppId:           app.ID(),
		BranchName:      pulumi.String(a.Branch),
		Stage:           pulumi.String(stage),
		EnableAutoBuild: pulumi.Bool(a.Status == StatusActive),
		EnvironmentVariables: pulumi.StringMap{
			"TENANCY_ENVIRONMENT": pulumi.String(a.Environment),
			"TENANCY_STAGE":       pulumi.String(stage),
		},
		Tags: b.tags(),
	}
	creds, err := b.basicAuth()
	if err != nil {
		return nil, err
	}
	if creds != nil {
		args.EnableBasicAuth = pulumi.Bool(true)
		args.BasicAuthCredentials = creds
	}
	branch, err := amplify.NewBranch(b.ctx, b.name("main"), args, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("amplify branch: %w", err)
	}
	return branch, nil
}

// basicAuth returns the secret base64 "user:password" Amplify expects, or nil
// when the branch is public. A suspended tenant without credentials of its
// own is closed with a generated password nobody is told.
func (b *builder) basicAuth() (pulumi.StringInput, error) {
	auth := b.args.BasicAuth
	if auth == nil && b.args.Status == StatusSuspended {
		pw, err := random.NewRandomPassword(b.ctx, b.name("suspended-password"), &random.RandomPasswordArgs{
			Length: pulumi.Int(32),
		}, b.opts(pulumi.AdditionalSecretOutputs([]string{"result"}))...)
		if err != nil {
			return nil, fmt.Errorf("suspended password: %w", err)
		}
		auth = &BasicAuthArgs{Username: "suspended", Password: pw.Result}
	}
	if auth == nil {
		return nil, nil
	}
	encoded := auth.Password.ToStringOutput().ApplyT(func(p string) string {
		return base64.StdEncoding.EncodeToString([]byte(auth.Username + ":" + p))
	}).(pulumi.StringOutput)
	return pulumi.ToSecret(encoded).(pulumi.StringOutput), nil
}
