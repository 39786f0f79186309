package awsrules

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// Plain turns resource inputs into the plain values Check reads: secrets
// and known outputs unwrapped, unknowns dropped (AWS sees them only once
// they are known).
func Plain(m resource.PropertyMap) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if p, ok := plain(v); ok {
			out[string(k)] = p
		}
	}
	return out
}

func plain(v resource.PropertyValue) (any, bool) {
	switch {
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsOutput():
		if !v.OutputValue().Known {
			return nil, false
		}
		return plain(v.OutputValue().Element)
	case v.IsComputed():
		return nil, false
	case v.IsArray():
		var out []any
		for _, e := range v.ArrayValue() {
			if p, ok := plain(e); ok {
				out = append(out, p)
			}
		}
		return out, true
	case v.IsObject():
		return Plain(v.ObjectValue()), true
	}
	return v.Mappable(), true
}
