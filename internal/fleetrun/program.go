package fleetrun

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// onOwnGoroutine runs program on a goroutine of its own.
//
// With every resource it registers, the Go SDK sends the engine the
// stack of the goroutine that registered it, and the engine keeps that
// trace in the checkpoint. An inline program runs inside the Automation
// API's gRPC handler, so every trace ended in the same 15 frames of SDK,
// Automation API and gRPC code: 41% of the bytes of the benchmark's
// checkpoints, which the engine serializes and writes about twice per
// resource in a fresh `up` (docs/performance.md, "Stack traces"). On its
// own goroutine the trace ends in two frames, this function's and the
// goroutine's start. What the program registers, and so every URN and
// input, is the same.
//
// A panic becomes the program's error, as the Automation API makes it
// when the program runs on its goroutine: a panic on another goroutine
// would end the runner's whole process, every other shard's run with it.
func onOwnGoroutine(program pulumi.RunFunc) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		done := make(chan error, 1)
		go func() {
			defer func() {
				if r := recover(); r != nil {
					done <- fmt.Errorf("the program panicked: %v", r)
				}
			}()
			done <- program(ctx)
		}()
		return <-done
	}
}
