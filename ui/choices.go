package ui

import "fmt"

// choices are the values a radio group or a select offers, each shown by
// its label: the widget holds labels, the code reads values.
type choices[T comparable] struct {
	values []T
	labels []string
}

func newChoices[T comparable](label func(T) string, values ...T) choices[T] {
	c := choices[T]{values: values}
	for _, v := range values {
		c.labels = append(c.labels, label(v))
	}
	return c
}

// of is the value shown as label; ok is false for a label not offered
// (nothing selected).
func (c choices[T]) of(label string) (v T, ok bool) {
	for i, l := range c.labels {
		if l == label {
			return c.values[i], true
		}
	}
	return v, false
}

// label is how v is shown.
func (c choices[T]) label(v T) string {
	for i, x := range c.values {
		if x == v {
			return c.labels[i]
		}
	}
	return ""
}

// storedNames are the values of a setting the vault stores by name (the
// theme, the sort order), indexed by value, each with the label Settings
// shows. Value 0 is the default: what an unknown name or value reads as.
type storedNames[T ~uint8] []struct{ name, label string }

// name is v's stored name; typ names the type when v is not one of them.
func (n storedNames[T]) name(v T, typ string) string {
	if int(v) < len(n) {
		return n[v].name
	}
	return fmt.Sprintf("%s(%d)", typ, uint8(v))
}

func (n storedNames[T]) label(v T) string {
	if int(v) < len(n) {
		return n[v].label
	}
	return n[0].label
}

// parse reads a stored name; anything unknown is the default.
func (n storedNames[T]) parse(s string) T {
	for v, x := range n {
		if x.name == s {
			return T(v)
		}
	}
	return 0
}

// values lists every value, in order.
func (n storedNames[T]) values() []T {
	vs := make([]T, len(n))
	for i := range vs {
		vs[i] = T(i)
	}
	return vs
}
