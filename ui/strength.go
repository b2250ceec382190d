package ui

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
)

// strength is a rough guess at how hard a password is to guess.
type strength uint8

const (
	strengthNone strength = iota // nothing typed
	strengthWeak
	strengthFair
	strengthGood
	strengthStrong
)

var strengthNames = [...]string{strengthNone: "none", strengthWeak: "weak", strengthFair: "fair", strengthGood: "good", strengthStrong: "strong"}

func (s strength) String() string {
	if int(s) < len(strengthNames) {
		return strengthNames[s]
	}
	return fmt.Sprintf("strength(%d)", uint8(s))
}

// minPasswordLen is the shortest password the create screen accepts.
const minPasswordLen = 8

// passwordStrength estimates the entropy of pw from its length and the
// kinds of characters in it, discounting repeated characters. It is a hint
// for people, not a guarantee: dictionary words score higher than they should.
func passwordStrength(pw string) (strength, float64) {
	if pw == "" {
		return strengthNone, 0
	}
	var lower, upper, digit, other bool
	seen := map[rune]bool{}
	n := 0
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
		if !seen[r] {
			seen[r] = true
			n++
		}
	}
	pool := 0
	for _, c := range []struct {
		has  bool
		size int
	}{{lower, 26}, {upper, 26}, {digit, 10}, {other, 33}} {
		if c.has {
			pool += c.size
		}
	}
	// Distinct characters count fully, repeats a quarter.
	total := len([]rune(pw))
	effective := float64(n) + float64(total-n)/4
	bits := effective * math.Log2(float64(pool))
	switch {
	case total < minPasswordLen || bits < 40 || common(pw):
		return strengthWeak, bits
	case bits < 60:
		return strengthFair, bits
	case bits < 80:
		return strengthGood, bits
	}
	return strengthStrong, bits
}

// commonBases are the words most leaked passwords are built on; one of
// them with digits or signs added ("password1", "Qwerty2024!") is weak
// whatever its length.
var commonBases = []string{"password", "passw0rd", "qwerty", "qwertyuiop", "letmein", "welcome", "admin",
	"iloveyou", "monkey", "dragon", "football", "baseball", "sunshine", "princess", "master", "shadow",
	"abc", "abcdef", "azerty", "login", "secret", "trustno1", "latchkey", "hello", "freedom", "whatever"}

// common reports whether pw is a common word with digits or
// signs around it.
func common(pw string) bool {
	base := strings.ToLower(strings.TrimFunc(pw, func(r rune) bool { return !unicode.IsLetter(r) }))
	return slices.Contains(commonBases, base)
}

// hint is the sentence shown under the password field.
func (s strength) hint() string {
	switch s {
	case strengthWeak:
		return "Weak: use at least 8 characters; a few unrelated words are best."
	case strengthFair:
		return "Fair: longer is better."
	case strengthGood:
		return "Good."
	case strengthStrong:
		return "Strong."
	}
	return "Use a long password you do not use anywhere else."
}
