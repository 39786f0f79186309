package main

import (
	"fmt"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/deploy"
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
				if cloud, err = mockcloud.Run(deploy.Program, opts); err != nil {
					b.Fatal(err)
				}
			}
			rs := cloud.Resources()
			b.ReportMetric(float64(len(rs)), "resources/op")
			b.ReportMetric(float64(countType(rs, "pulumi:providers:aws")), "aws-providers/op")
		})
	}
}

// recordFleet runs the program once for a fleet of n tenants and returns
// what it registered, for the floors to replay.
func recordFleet(b *testing.B, n int) []mockcloud.Resource {
	b.Helper()
	return runFleet(b, n).Resources()
}

// benchmarkReplay measures a bare program over fleets of every size; build
// makes, from what the real program registered, the program to time.
func benchmarkReplay(b *testing.B, build func([]mockcloud.Resource) pulumi.RunFunc) {
	for _, n := range fleetSizes {
		b.Run(fmt.Sprintf("tenants=%d", n), func(b *testing.B) {
			bare := build(recordFleet(b, n))
			opts := mockcloud.Options{Project: "tenancy", Stack: "prod"}
			var cloud *mockcloud.Cloud
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if cloud, err = mockcloud.Run(bare, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(cloud.Resources())), "resources/op")
		})
	}
}

// BenchmarkFloor is the cost of the mock monitor alone: a bare program that
// registers as many resources as BenchmarkProgram does, with the same names,
// but no inputs, options or logic. BenchmarkProgram over BenchmarkFloor is
// what the program itself adds.
func BenchmarkFloor(b *testing.B) {
	benchmarkReplay(b, func(rs []mockcloud.Resource) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			for _, r := range rs {
				var state pulumi.CustomResourceState
				if err := ctx.RegisterResource("floor:index:Resource", r.Name, nil, &state); err != nil {
					return err
				}
			}
			return nil
		}
	})
}

// BenchmarkFloorWithInputs replays what BenchmarkProgram registers, each
// resource with the same name and the same inputs (as plain values), with
// no parents, options or logic. BenchmarkProgram over this floor is the cost
// of the program's own work: config, validation, components, outputs.
func BenchmarkFloorWithInputs(b *testing.B) {
	benchmarkReplay(b, func(rs []mockcloud.Resource) pulumi.RunFunc {
		inputs := make([]pulumi.Map, len(rs))
		for i, r := range rs {
			inputs[i] = pulumi.ToMap(r.Inputs.Mappable())
		}
		return func(ctx *pulumi.Context) error {
			for i, r := range rs {
				var state pulumi.CustomResourceState
				if err := ctx.RegisterResource("floor:index:Resource", r.Name, inputs[i], &state); err != nil {
					return err
				}
			}
			return nil
		}
	})
}
