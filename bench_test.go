package main

import (
	"fmt"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// fleetSizes are the fleets the benchmarks measure; docs/performance.md
// holds the numbers.
var fleetSizes = []int{10, 100, 1000}

// BenchmarkProgram runs the real program function (config parsing, quota
// checks, providers, every TenantStack, the "tenants" output) under the mock
// monitor. Besides time and memory it reports how many resources and aws
// providers one run registers: providers must follow regions, not tenants.
func BenchmarkProgram(b *testing.B) {
	for _, n := range fleetSizes {
		b.Run(fmt.Sprintf("tenants=%d", n), func(b *testing.B) {
			config, secrets := fleetConfig(b, n)
			opts := mockcloud.Options{Project: "tenancy", Stack: "prod", Config: config, SecretKeys: secrets}
			var cloud *mockcloud.Cloud
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if cloud, err = mockcloud.Run(program, opts); err != nil {
					b.Fatal(err)
				}
			}
			rs := cloud.Resources()
			b.ReportMetric(float64(len(rs)), "resources/op")
			b.ReportMetric(float64(countType(rs, "pulumi:providers:aws")), "aws-providers/op")
		})
	}
}

// BenchmarkFloor is the cost of the mock monitor alone: a bare program that
// registers as many resources as BenchmarkProgram does, with the same names,
// but no inputs, options or logic. BenchmarkProgram over BenchmarkFloor is
// what the program itself adds.
func BenchmarkFloor(b *testing.B) {
	for _, n := range fleetSizes {
		b.Run(fmt.Sprintf("tenants=%d", n), func(b *testing.B) {
			config, secrets := fleetConfig(b, n)
			real, err := mockcloud.Run(program, mockcloud.Options{Project: "tenancy", Stack: "prod", Config: config, SecretKeys: secrets})
			if err != nil {
				b.Fatal(err)
			}
			names := make([]string, 0, len(real.Resources()))
			for _, r := range real.Resources() {
				names = append(names, r.Name)
			}
			bare := func(ctx *pulumi.Context) error {
				for _, name := range names {
					var r pulumi.CustomResourceState
					if err := ctx.RegisterResource("floor:index:Resource", name, nil, &r); err != nil {
						return err
					}
				}
				return nil
			}
			opts := mockcloud.Options{Project: "tenancy", Stack: "prod"}
			var cloud *mockcloud.Cloud
			b.ReportAllocs()
			for b.Loop() {
				if cloud, err = mockcloud.Run(bare, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(cloud.Resources())), "resources/op")
		})
	}
}

// BenchmarkFloorWithInputs replays what BenchmarkProgram registers, each
// resource with the same name and the same inputs (as plain values), with
// no parents, options or logic. BenchmarkProgram over this floor is the cost
// of the program's own work: config, validation, components, outputs.
func BenchmarkFloorWithInputs(b *testing.B) {
	for _, n := range fleetSizes {
		b.Run(fmt.Sprintf("tenants=%d", n), func(b *testing.B) {
			config, secrets := fleetConfig(b, n)
			real, err := mockcloud.Run(program, mockcloud.Options{Project: "tenancy", Stack: "prod", Config: config, SecretKeys: secrets})
			if err != nil {
				b.Fatal(err)
			}
			type recorded struct {
				name   string
				inputs pulumi.Map
			}
			var rs []recorded
			for _, r := range real.Resources() {
				rs = append(rs, recorded{r.Name, pulumi.ToMap(r.Inputs.Mappable())})
			}
			replay := func(ctx *pulumi.Context) error {
				for _, r := range rs {
					var state pulumi.CustomResourceState
					if err := ctx.RegisterResource("floor:index:Resource", r.name, r.inputs, &state); err != nil {
						return err
					}
				}
				return nil
			}
			opts := mockcloud.Options{Project: "tenancy", Stack: "prod"}
			var cloud *mockcloud.Cloud
			b.ReportAllocs()
			for b.Loop() {
				if cloud, err = mockcloud.Run(replay, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(cloud.Resources())), "resources/op")
		})
	}
}
