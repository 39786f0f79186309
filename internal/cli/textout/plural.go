// Package textout shapes what the commands print for people: counts with
// the right plural, and lines wrapped to fit a terminal of Width columns.
package textout

import "strconv"

// Count returns n and noun, in the plural unless n is 1: "1 warning",
// "2 warnings", "0 warnings". Every noun the commands count takes -s.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
