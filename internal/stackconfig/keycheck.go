package stackconfig

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// unknownKeys walks a decoded JSON object against the json tags of t and
// returns a message per key that t does not have, with the nearest known key
// as a suggestion for a likely typo.
func unknownKeys(raw map[string]any, t reflect.Type, path string) map[string]string {
	known := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		known[name] = f.Type
	}
	out := map[string]string{}
	for key, value := range raw {
		field := path + key
		ft, ok := known[key]
		if !ok {
			out[field] = "unknown key" + suggest(key, slices.Collect(maps.Keys(known)))
			continue
		}
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if nested, isObject := value.(map[string]any); isObject && ft.Kind() == reflect.Struct {
			for k, v := range unknownKeys(nested, ft, field+".") {
				out[k] = v
			}
		}
	}
	return out
}

// suggest names the closest of known to key when it is near enough to be a
// typo (edit distance at most 2, ignoring case).
func suggest(key string, known []string) string {
	slices.Sort(known)
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(key), strings.ToLower(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return fmt.Sprintf("; known keys are %s", strings.Join(known, ", "))
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
