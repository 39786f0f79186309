package standin

import (
	"crypto/rand"
	"fmt"
	"math/big"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Character classes of random_password, as pulumi-random documents them.
const (
	lowerChars   = "abcdefghijklmnopqrstuvwxyz"
	upperChars   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	numericChars = "0123456789"
	specialChars = "!@#$%&*()-_=+[]{}<>:?"
)

// randomPassword returns the outputs of a RandomPassword: a real random
// result of the asked length, from the asked classes, as a secret (the
// real provider marks result sensitive).
func randomPassword(inputs resource.PropertyMap) (resource.PropertyMap, error) {
	length := 16
	if v := inputs["length"]; v.IsNumber() {
		length = int(v.NumberValue())
	}
	if length < 1 || length > 1024 {
		return nil, fmt.Errorf("length %d is out of range", length)
	}
	enabled := func(k string) bool { v := inputs[resource.PropertyKey(k)]; return !v.IsBool() || v.BoolValue() }
	charset := ""
	if enabled("lower") {
		charset += lowerChars
	}
	if enabled("upper") {
		charset += upperChars
	}
	if enabled("numeric") {
		charset += numericChars
	}
	if enabled("special") {
		special := specialChars
		if v := inputs["overrideSpecial"]; v.IsString() {
			special = v.StringValue()
		}
		charset += special
	}
	if charset == "" {
		return nil, fmt.Errorf("every character class is off")
	}
	out := make([]byte, length)
	for i := range out {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(charset))))
		if err != nil {
			return nil, err
		}
		out[i] = charset[n.Int64()]
	}
	return resource.PropertyMap{
		"result": resource.MakeSecret(resource.NewProperty(string(out))),
	}, nil
}
