package stackconfig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// configNode returns the mapping under the file's config: key, nil when
// there is none.
func configNode(doc *yaml.Node) (*yaml.Node, error) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	root := resolve(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: a stack file must be a mapping with a config: key", root.Line)
	}
	var config *yaml.Node
	firstLine := 0
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; k.Kind == yaml.ScalarNode && k.Value == "config" {
			if config != nil {
				return nil, fmt.Errorf("config: is set twice, on lines %d and %d; keep one", firstLine, k.Line)
			}
			config, firstLine = resolve(root.Content[i+1]), k.Line
		}
	}
	switch {
	case config == nil, config.Kind == yaml.ScalarNode && config.ShortTag() == "!!null":
		return nil, nil
	case config.Kind != yaml.MappingNode:
		return nil, fmt.Errorf("config: must be a mapping of keys to values (line %d)", config.Line)
	}
	for i := 0; i < len(config.Content); i += 2 {
		if k := config.Content[i]; k.ShortTag() == "!!merge" {
			return nil, fmt.Errorf("line %d: merge keys (<<) are not supported in config; write each key", k.Line)
		}
	}
	return config, nil
}

// resolve follows an alias to its anchored node.
func resolve(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// How a config value is written with respect to `secure:`.
const (
	notSecure       = iota // a plain value
	secureValue            // secure: <ciphertext>, alone
	secureMalformed        // a secure: key with something else, or without ciphertext
)

func secureForm(v *yaml.Node) int {
	v = resolve(v)
	if v.Kind != yaml.MappingNode {
		return notSecure
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		if v.Content[i].Kind == yaml.ScalarNode && v.Content[i].Value == "secure" {
			ciphertext := resolve(v.Content[i+1])
			if len(v.Content) == 2 && ciphertext.Kind == yaml.ScalarNode && ciphertext.ShortTag() == "!!str" && ciphertext.Value != "" {
				return secureValue
			}
			return secureMalformed
		}
	}
	return notSecure
}

// secretLike returns the secret key that key is, or is spelt nearly like
// (case aside, or within two edits: accesstoken, acessToken), "" when it is
// none. A near miss is an unknown key that Parse refuses anyway, but its
// plain-text value must not reach Values, where diffs would show it.
func secretLike(key string) string {
	for _, s := range secretKeys {
		if editDistance(strings.ToLower(key), strings.ToLower(s), 3) < 3 {
			return s
		}
	}
	return ""
}

// converter turns YAML nodes into the values JSON holds, the way the
// engine passes config to a program: in one pass, linear in the size of
// the file. (yaml.v3's own decoding checks a mapping's keys for duplicates
// pair by pair, quadratic in their number.) It reports, instead of failing
// on, what JSON cannot hold: .nan and .inf, map keys that are not strings;
// and what YAML refuses: a key twice in one mapping, an alias that contains
// itself. Timestamps stay the strings they are written as (YAML would read
// 2024-01-01 as a time).
type converter struct {
	// budget is the values left to produce: aliases may repeat what is
	// written, but not beyond a budget proportional to the file's size.
	budget    int
	exhausted bool
	// active are the anchors being expanded, to refuse one inside itself.
	active   map[*yaml.Node]bool
	problems []pathProblem
	// dropped counts the problems beyond maxValueProblems.
	dropped int
}

// maxValueProblems is the most problems a file's values report one by one;
// past it they are counted, so no input makes the report outgrow it.
const maxValueProblems = 100

func newConverter(fileSize int) *converter {
	return &converter{budget: 2*fileSize + 10_000, active: map[*yaml.Node]bool{}}
}

// step is one step of the path to a value: a map key or a list index.
type step struct {
	parent *step
	key    any
}

func (s *step) path() []any {
	var out []any
	for ; s != nil; s = s.parent {
		out = append(out, s.key)
	}
	slices.Reverse(out)
	return out
}

func (c *converter) fail(at *step, format string, v ...any) {
	if len(c.problems) >= maxValueProblems {
		c.dropped++
		return
	}
	c.problems = append(c.problems, pathProblem{path: at.path(), msg: fmt.Sprintf(format, v...)})
}

// spend takes one value from the budget, false when it is used up.
func (c *converter) spend(at *step) bool {
	if c.budget--; c.budget >= 0 {
		return true
	}
	if !c.exhausted {
		c.exhausted = true
		c.fail(at, "aliases (*name) repeat values far beyond the size of the file; write them out")
	}
	return false
}

// text renders a config value: strings as they are, everything else as
// JSON. root is the value, for naming tenants in problems.
func (c *converter) text(v *yaml.Node) (text string, problems []pathProblem, root any) {
	before := len(c.problems)
	root = c.value(v, nil)
	if len(c.problems) > before || c.exhausted {
		return "", c.problems[before:], root
	}
	if s, ok := root.(string); ok {
		return s, nil, root
	}
	out, err := json.Marshal(root)
	if err != nil {
		return "", []pathProblem{{msg: err.Error()}}, root
	}
	return string(out), nil, root
}

func (c *converter) value(n *yaml.Node, at *step) any {
	if !c.spend(at) {
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return c.value(n.Content[0], at)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil
		}
		if c.active[n.Alias] {
			c.fail(at, "line %d: the alias *%s is inside its own anchor", n.Line, n.Value)
			return nil
		}
		c.active[n.Alias] = true
		defer delete(c.active, n.Alias)
		return c.value(n.Alias, at)
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, item := range n.Content {
			out[i] = c.value(item, &step{at, i})
		}
		return out
	case yaml.MappingNode:
		out := map[string]any{}
		c.mapping(n, at, out, map[string]int{}, false)
		return out
	case yaml.ScalarNode:
		return c.scalar(n, at)
	}
	return nil
}

// mapping adds the pairs of n to out. Keys written in n win over keys it
// merges (<<), and earlier merges over later ones, as YAML's merge key
// says. lines holds the line of every key added, to report a key written
// twice; merged reports nothing the mapping's own place reports already.
func (c *converter) mapping(n *yaml.Node, at *step, out map[string]any, lines map[string]int, merged bool) {
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !c.spend(at) {
			return
		}
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		key, ok := c.key(k, at, merged)
		if !ok {
			continue
		}
		if line, dup := lines[key]; dup {
			if !merged {
				c.fail(&step{at, key}, "line %d: mapping key %q already defined at line %d", k.Line, key, line)
			}
			continue
		}
		lines[key] = k.Line
		out[key] = c.value(v, &step{at, key})
	}
	for _, m := range merges {
		c.merge(m, at, out, lines)
	}
}

// merge adds the pairs of a merge key's value (a mapping, or a list of
// them) that out does not have yet.
func (c *converter) merge(m *yaml.Node, at *step, out map[string]any, lines map[string]int) {
	if m.Kind == yaml.AliasNode && m.Alias != nil {
		if c.active[m.Alias] {
			c.fail(at, "line %d: the alias *%s is inside its own anchor", m.Line, m.Value)
			return
		}
		c.active[m.Alias] = true
		defer delete(c.active, m.Alias)
		m = m.Alias
	}
	switch m.Kind {
	case yaml.MappingNode:
		c.mapping(m, at, out, lines, true)
	case yaml.SequenceNode:
		for _, item := range m.Content {
			if resolve(item).Kind != yaml.MappingNode {
				c.fail(at, "line %d: a merge key (<<) takes a mapping or a list of mappings", item.Line)
				continue
			}
			c.merge(item, at, out, lines)
		}
	default:
		c.fail(at, "line %d: a merge key (<<) takes a mapping or a list of mappings", m.Line)
	}
}

// key returns a mapping key, which JSON needs to be a string.
func (c *converter) key(k *yaml.Node, at *step, quiet bool) (string, bool) {
	k = resolve(k)
	if k.Kind != yaml.ScalarNode {
		if !quiet {
			c.fail(at, "line %d: has a key that is a list or a mapping; keys must be strings", k.Line)
		}
		return "", false
	}
	switch k.ShortTag() {
	case "!!str", "!!timestamp", "!!binary":
		return k.Value, true
	case "!!null":
		if !quiet {
			c.fail(at, "has the key null, which is not a string; quote it")
		}
	default:
		if !quiet {
			c.fail(at, "has the key %s, which is not a string; quote it", k.Value)
		}
	}
	return "", false
}

func (c *converter) scalar(n *yaml.Node, at *step) any {
	switch n.ShortTag() {
	case "!!str", "!!timestamp", "!!merge":
		return n.Value
	case "!!null":
		return nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		c.fail(at, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil
	}
	if f, ok := v.(float64); ok {
		switch {
		case math.IsNaN(f):
			c.fail(at, "is .nan, which is not a number; write a number")
			return nil
		case math.IsInf(f, 0):
			c.fail(at, "is infinite (.inf); write a finite number")
			return nil
		}
	}
	if t, ok := v.(time.Time); ok {
		return t.Format(time.RFC3339Nano)
	}
	return v
}

// pathProblem is a problem with one part of a config value: path holds map
// keys (strings) and list indexes (ints) from the value's root.
type pathProblem struct {
	path []any
	msg  string
}

// where names the tenant and field of a problem in the value of key: in
// tenants, the tenant (by id when it has one, else tenants[i]) and the
// field inside it; elsewhere, no tenant and the key's path (quotas.x,
// regions[2]).
func (p pathProblem) where(key string, root any) (tenantID, field string) {
	return where(key, p.path, func(i int) string { return idOfValue(root, i) })
}

func where(key string, path []any, idOf func(int) string) (tenantID, field string) {
	if key == KeyTenants && len(path) > 0 {
		if i, ok := path[0].(int); ok {
			return idOf(i), strings.TrimPrefix(render(path[1:]), ".")
		}
	}
	return "", key + render(path)
}

func render(path []any) string {
	var b strings.Builder
	for _, step := range path {
		switch s := step.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		default:
			fmt.Fprintf(&b, ".%v", s)
		}
	}
	return b.String()
}

// idOfValue is the label of tenants[i] in a decoded tenants list.
func idOfValue(root any, i int) string {
	if list, ok := root.([]any); ok && i < len(list) {
		if e, ok := list[i].(map[string]any); ok {
			if id, ok := e["id"].(string); ok && id != "" {
				return id
			}
		}
	}
	return fmt.Sprintf("%s[%d]", KeyTenants, i)
}

// invalidUTF8 returns the offset of the first byte of data that is not
// UTF-8, or -1.
func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// position is the line and column (both from 1, the column in characters)
// of offset in data.
func position(data []byte, offset int) (line, column int) {
	before := data[:offset]
	line = 1 + bytes.Count(before, []byte("\n"))
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, 1 + utf8.RuneCount(before[start:])
}

// locate names the config key, or the tenant and field, written on line of
// data, as far as data parses once its bytes that are not UTF-8 are
// replaced; "" when it cannot tell.
func locate(data []byte, line int) (tenantID, field string) {
	var doc yaml.Node
	if yaml.Unmarshal(bytes.ToValidUTF8(data, []byte("\uFFFD")), &doc) != nil {
		return "", ""
	}
	config, err := configNode(&doc)
	if err != nil || config == nil {
		return "", ""
	}
	return locateIn(config, line)
}

// locateIn names the config key, or the tenant and field, written on line
// of a config mapping. Each step is a binary search: the nodes of a
// mapping or list are in the order of their lines.
func locateIn(config *yaml.Node, line int) (tenantID, field string) {
	k, v := lastBefore(config, line)
	if k == nil {
		return "", ""
	}
	ns, key, ok := strings.Cut(k.Value, ":")
	display := key
	if !ok {
		display = ns
	} else if ns != Project {
		display = k.Value
	}
	var path []any
	for v != nil {
		// An alias is not followed: its anchor is written elsewhere, and
		// may contain the alias itself.
		switch v.Kind {
		case yaml.MappingNode:
			var child *yaml.Node
			if k, child = lastBefore(v, line); k == nil {
				v = nil
				continue
			}
			path = append(path, k.Value)
			v = child
		case yaml.SequenceNode:
			i := sort.Search(len(v.Content), func(j int) bool { return v.Content[j].Line > line }) - 1
			if i < 0 {
				v = nil
				continue
			}
			path = append(path, i)
			v = v.Content[i]
		default:
			v = nil
		}
	}
	return where(display, path, func(i int) string { return idOfNode(config, i) })
}

// lastBefore returns the last pair of mapping m whose key is on or before
// line.
func lastBefore(m *yaml.Node, line int) (key, value *yaml.Node) {
	pairs := len(m.Content) / 2
	i := sort.Search(pairs, func(j int) bool { return m.Content[2*j].Line > line }) - 1
	if i < 0 {
		return nil, nil
	}
	return m.Content[2*i], m.Content[2*i+1]
}

// idOfNode is the label of tenants[i] in a config mapping.
func idOfNode(config *yaml.Node, i int) string {
	label := fmt.Sprintf("%s[%d]", KeyTenants, i)
	for j := 0; j+1 < len(config.Content); j += 2 {
		if k := config.Content[j].Value; k != KeyTenants && k != Project+":"+KeyTenants {
			continue
		}
		list := resolve(config.Content[j+1])
		if list.Kind != yaml.SequenceNode || i >= len(list.Content) {
			continue
		}
		entry := resolve(list.Content[i])
		for n := 0; entry.Kind == yaml.MappingNode && n+1 < len(entry.Content); n += 2 {
			if entry.Content[n].Value == "id" && entry.Content[n+1].Kind == yaml.ScalarNode && entry.Content[n+1].Value != "" {
				label = entry.Content[n+1].Value
			}
		}
	}
	return label
}
