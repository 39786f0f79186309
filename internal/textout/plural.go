// Package textout shapes what the commands print for people: counts with
// the right plural, and lines wrapped to fit a terminal of Width columns.
package textout

import (
	"strconv"
	"strings"
)

// Count returns n and noun, in the plural unless n is 1: "1 warning",
// "2 warnings", "0 warnings", "3 dependencies". A noun ending in a
// consonant and y takes -ies, every other -s.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if stem, ok := strings.CutSuffix(noun, "y"); ok && stem != "" && !strings.ContainsAny(stem[len(stem)-1:], "aeiou") {
		return strconv.Itoa(n) + " " + stem + "ies"
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
