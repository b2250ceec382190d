package ui

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
