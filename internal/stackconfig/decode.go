package stackconfig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// problem is one thing wrong with a decoded value: the field, dotted from
// the value's root ("" for the root itself, database.minCapacity,
// formerIds[1]), and what is wrong.
type problem struct {
	field, msg string
	// unknown marks a key the type does not have; the other problems are
	// values that could not be decoded (the field keeps its value).
	unknown bool
}

// decodeStrict decodes raw, a JSON value as the engine hands a config key
// to a program, into *into, field by field. It is the one decoder of every
// object a stack's config holds (tenants, quotas, network):
//   - an object's keys must be the json tags of the struct, spelt exactly
//     (encoding/json would match "Region" to "region"); any other key is
//     reported as unknown, with the nearest known key when it looks like a
//     typo;
//   - a key given twice in one object is reported;
//   - a value of the wrong type is reported with its field, and the field
//     keeps the value it had, so the other fields are still read and every
//     problem is reported at once;
//   - maps with string keys and lists are decoded item by item, so a problem
//     names the item (environment.KEY, formerIds[2]).
//
// A JSON null leaves a field as it was (a pointer becomes nil). raw that is
// not JSON at all (the engine passes a plain string as it is) is reported as
// a string of the wrong type. Decoding is linear in the size of raw: every
// level re-reads only its own part, and the types decoded nest a few levels
// deep at most.
func decodeStrict[T any](raw []byte, into *T) []problem {
	d := &strictDecoder{fields: map[reflect.Type]map[string]int{}}
	raw = bytes.TrimSpace(raw)
	if !json.Valid(raw) {
		d.wrongType(reflect.ValueOf(into).Elem().Type(), "", describeText(string(raw)))
		return d.problems
	}
	d.value(raw, reflect.ValueOf(into).Elem(), "")
	return d.problems
}

type strictDecoder struct {
	problems []problem
	// fields caches each struct type's json tags, by tag.
	fields map[reflect.Type]map[string]int
}

func (d *strictDecoder) fail(field, format string, v ...any) {
	d.problems = append(d.problems, problem{field: field, msg: fmt.Sprintf(format, v...)})
}

// value decodes raw (valid JSON, trimmed) into v, an addressable value.
func (d *strictDecoder) value(raw []byte, v reflect.Value, path string) {
	if string(raw) == "null" {
		if v.Kind() == reflect.Pointer || v.Kind() == reflect.Map || v.Kind() == reflect.Slice {
			v.SetZero()
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		if !v.IsNil() {
			elem.Elem().Set(v.Elem())
		}
		d.value(raw, elem.Elem(), path)
		v.Set(elem)
	case reflect.Struct:
		if raw[0] != '{' {
			d.wrongType(v.Type(), path, describeJSON(raw))
			return
		}
		fields := d.fieldsOf(v.Type())
		d.members(raw, path, func(key string, member []byte) {
			i, ok := fields[key]
			if !ok {
				known := make([]string, 0, len(fields))
				for k := range fields {
					known = append(known, k)
				}
				d.fail(join(path, key), "unknown key%s", suggest(key, known))
				d.problems[len(d.problems)-1].unknown = true
				return
			}
			d.value(member, v.Field(i), join(path, key))
		})
	case reflect.Map:
		if raw[0] != '{' || v.Type().Key().Kind() != reflect.String {
			d.wrongType(v.Type(), path, describeJSON(raw))
			return
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		d.members(raw, path, func(key string, member []byte) {
			elem := reflect.New(v.Type().Elem()).Elem()
			d.value(member, elem, join(path, key))
			v.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), elem)
		})
	case reflect.Slice:
		if raw[0] != '[' {
			d.wrongType(v.Type(), path, describeJSON(raw))
			return
		}
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			d.fail(path, "%v", err)
			return
		}
		s := reflect.MakeSlice(v.Type(), len(items), len(items))
		for i, item := range items {
			d.value(bytes.TrimSpace(item), s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	default:
		into := reflect.New(v.Type())
		if err := json.Unmarshal(raw, into.Interface()); err != nil {
			d.wrongType(v.Type(), path, describeJSON(raw))
			return
		}
		v.Set(into.Elem())
	}
}

// members calls each with every key of the JSON object raw and its value,
// in order, reporting a key given twice.
func (d *strictDecoder) members(raw []byte, path string, each func(key string, member []byte)) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		d.fail(path, "%v", err)
		return
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			d.fail(path, "%v", err)
			return
		}
		key, _ := tok.(string)
		var member json.RawMessage
		if err := dec.Decode(&member); err != nil {
			d.fail(join(path, key), "%v", err)
			return
		}
		if seen[key] {
			d.fail(join(path, key), "is set twice; keep one")
			continue
		}
		seen[key] = true
		each(key, bytes.TrimSpace(member))
	}
}

// fieldsOf returns the fields of struct type t by json tag.
func (d *strictDecoder) fieldsOf(t reflect.Type) map[string]int {
	if f, ok := d.fields[t]; ok {
		return f
	}
	f := map[string]int{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" && t.Field(i).IsExported() {
			f[name] = i
		}
	}
	d.fields[t] = f
	return f
}

// wrongType reports a value that does not fit t; got describes the value.
// A number that does not fit a number field says why: a fraction where a
// whole number belongs, or a number out of range.
func (d *strictDecoder) wrongType(t reflect.Type, path, got string) {
	switch {
	case isNumber(got) && isInt(t.Kind()):
		f, err := strconv.ParseFloat(got, 64)
		if err == nil && f == math.Trunc(f) {
			d.fail(path, "%s is out of range", got)
			return
		}
		d.fail(path, "want a whole number, got %s", got)
	case isNumber(got) && isFloat(t.Kind()):
		d.fail(path, "%s is out of range", got)
	default:
		d.fail(path, "want %s, got %s", jsonKind(t), got)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func isInt(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

func isFloat(k reflect.Kind) bool { return k == reflect.Float32 || k == reflect.Float64 }

func isNumber(s string) bool {
	return s != "" && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))
}

// describeJSON names a JSON value for a message: numbers and booleans as
// written, a string as string "..." (shortened), lists and objects by kind.
func describeJSON(raw []byte) string {
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return describeText(s)
		}
		return "a string"
	case '[':
		return "a list"
	case '{':
		return "an object"
	}
	return shorten(string(raw))
}

// describeText names a plain string value.
func describeText(s string) string { return "string " + strconv.Quote(shorten(s)) }

// shorten cuts a value quoted in a message to 40 characters.
func shorten(s string) string {
	const limit = 40
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)
	return string(r[:limit]) + "..."
}

// jsonKind names a Go type the way a stack file's author thinks of it.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case isInt(t.Kind()):
		return "a whole number"
	case isFloat(t.Kind()):
		return "a number"
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() == reflect.Slice:
		return "a list"
	default:
		return "an object"
	}
}
