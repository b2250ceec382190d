package safetext

import "strings"

// NamesEscaped is err with each of names (file names, paths: untrusted
// text an error quotes) shown escaped where its text holds them.
// errors.Is and errors.As still see err.
func NamesEscaped(err error, names ...string) error {
	if err == nil {
		return nil
	}
	pairs := make([]string, 0, 2*len(names))
	for _, n := range names {
		if esc := Escape(n); esc != n {
			pairs = append(pairs, n, esc)
		}
	}
	if len(pairs) == 0 {
		return err
	}
	return Reworded(err, strings.NewReplacer(pairs...).Replace(err.Error()))
}

// Reworded is err shown as text; errors.Is and errors.As still see err.
func Reworded(err error, text string) error {
	if err == nil || text == err.Error() {
		return err
	}
	return &reworded{text: text, err: err}
}

type reworded struct {
	text string
	err  error
}

func (e *reworded) Error() string { return e.text }
func (e *reworded) Unwrap() error { return e.err }
