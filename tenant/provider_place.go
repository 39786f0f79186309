package tenant

import (
	"fmt"
	"runtime"
	"sync"
	"weak"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
)

// place is the account and region an aws provider is pinned to; account
// is "" for the deployer's own.
type place struct{ account, region string }

// providerPlaces holds the place of every provider this package made
// (NewRegionProvider, NewAccountProvider, a tenant's own). A provider's
// region is an Output, known only once the engine has registered it, so
// this is the only way to know it before a tenant registers anything.
// Weak keys: a program's providers are forgotten with the program.
var providerPlaces sync.Map // weak.Pointer[aws.Provider] -> place

// rememberPlace records where p deploys to.
func rememberPlace(p *aws.Provider, account *AccountArgs, region string) {
	at := place{region: region}
	if account != nil {
		at.account = account.AccountID()
	}
	key := weak.Make(p)
	providerPlaces.Store(key, at)
	runtime.AddCleanup(p, func(k weak.Pointer[aws.Provider]) { providerPlaces.Delete(k) }, key)
}

// placeOf returns where p deploys to, when this package made p.
func placeOf(p *aws.Provider) (place, bool) {
	v, ok := providerPlaces.Load(weak.Make(p))
	if !ok {
		return place{}, false
	}
	return v.(place), true
}

// providerProblems refuses a provider this package made for another
// region or account than the args name, before anything is registered. A
// provider made elsewhere (aws.NewProvider) cannot be checked until the
// engine has registered it: checkedRegion then fails the deployment.
func providerProblems(p *aws.Provider, account *AccountArgs, region string) []error {
	if p == nil {
		return nil
	}
	at, known := placeOf(p)
	if !known {
		return nil
	}
	var errs []error
	if at.region != region {
		errs = append(errs, fieldErrorf("region", "the aws provider passed in is for region %q, not %q", at.region, region))
	}
	want := ""
	if account != nil {
		want = account.AccountID()
	}
	if at.account != want {
		errs = append(errs, fieldErrorf("account", "the aws provider passed in is for %s, not %s", accountName(at.account), accountName(want)))
	}
	return errs
}

// accountName is how an error names an account: its ID, or the deployer's.
func accountName(id string) string {
	if id == "" {
		return "the deployer's own account"
	}
	return fmt.Sprintf("account %s", id)
}
