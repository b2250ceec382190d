package interop

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// memoryTarget is the size of the generated files: near MaxFileSize, as
// the 14 MB Bitwarden CSV that once took 691 MB.
const memoryTarget = 14 << 20

// repeatTo writes head, then body(i) for i = 0, 1, ... until the text
// reaches memoryTarget, then tail.
func repeatTo(head string, body func(i int) string, sep, tail string) []byte {
	var b strings.Builder
	b.Grow(memoryTarget + len(tail) + 1024)
	b.WriteString(head)
	for i := 0; b.Len() < memoryTarget; i++ {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(body(i))
	}
	b.WriteString(tail)
	return []byte(b.String())
}

const bitwardenCSVHeader = "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n"

// memoryCases are large files of every text format, each in a realistic
// shape and in the shapes that cost the most per byte: tiny rows or
// entries, and rows that are not accounts (which the entry cap does not
// stop).
func memoryCases() map[string][]byte {
	uri := func(i int) string {
		return fmt.Sprintf("otpauth://totp/Site%d:user%d@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Site%d", i, i, i)
	}
	return map[string][]byte{
		"bitwarden csv": repeatTo(bitwardenCSVHeader, func(i int) string {
			return fmt.Sprintf("Work,0,login,Site %d,\"notes, line %d\",,0,https://site%d.example.com/,user%d@example.com,hunter2-%d,%s", i, i, i, i, i, uri(i))
		}, "\n", "\n"),
		"bitwarden csv, passwords only": repeatTo(bitwardenCSVHeader, func(i int) string {
			return fmt.Sprintf("Work,0,login,Site %d,,,0,https://site%d.example.com/,user%d@example.com,hunter2-%d,", i, i, i, i)
		}, "\n", "\n"),
		"bitwarden csv, tiny rows":   repeatTo(bitwardenCSVHeader, func(int) string { return "ab" }, "\n", "\n"),
		"bitwarden csv, empty cells": repeatTo(bitwardenCSVHeader, func(int) string { return strings.Repeat(",", 200) }, "\n", "\n"),
		"bitwarden csv, quoted": repeatTo(bitwardenCSVHeader, func(i int) string {
			return `"a ""quoted"" folder",0,login,"x",` + `"multi` + "\n" + `line",,,,,,`
		}, "\n", "\n"),
		"keepassxc csv, tiny rows": repeatTo(`"Group","Title","Username","Password","URL","Notes","TOTP"`+"\n", func(int) string { return "ab" }, "\n", "\n"),
		"uri list":                 repeatTo("", uri, "\n", "\n"),
		"uri list, blank lines":    repeatTo(uri(0)+"\n", func(int) string { return "" }, "\n", "\n"),
		"uri list, comments":       repeatTo(uri(0)+"\n", func(int) string { return "#" }, "\n", "\n"),
		"html, links": repeatTo("<!DOCTYPE html><html><body>", func(i int) string {
			return fmt.Sprintf(`<a href="%s">x</a>`, uri(i))
		}, "", "</body></html>"),
		"html, short links": repeatTo("<!DOCTYPE html><html><body>"+uri(0), func(int) string { return " otpauth://x" }, "", "</body></html>"),
		"andotp": repeatTo("[", func(i int) string {
			return fmt.Sprintf(`{"secret":"JBSWY3DPEHPK3PXP","issuer":"Site%d","label":"user%d","digits":6,"type":"TOTP","algorithm":"SHA1","period":30,"tags":["work"]}`, i, i)
		}, ",", "]"),
		"andotp, empty entries": repeatTo(`[{"secret":"JBSWY3DPEHPK3PXP","type":"TOTP"},`, func(int) string { return "{}" }, ",", "]"),
		"andotp, tag flood":     repeatTo(`[{"secret":"JBSWY3DPEHPK3PXP","issuer":"Flood","label":"tags","digits":6,"type":"TOTP","algorithm":"SHA1","period":30,"tags":[`, func(i int) string { return fmt.Sprintf(`"%d"`, i%1000) }, ",", "]}]"),
		"aegis": repeatTo(`{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":[`, func(i int) string {
			return fmt.Sprintf(`{"type":"totp","uuid":"u%d","name":"user%d","issuer":"Site%d","note":"","icon":null,"info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}}`, i, i, i)
		}, ",", "]}}"),
		"aegis, numbers": repeatTo(`{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":[`, func(int) string { return "1" }, ",", "]}}"),
		"bitwarden json, passwords only": repeatTo(`{"encrypted":false,"folders":[],"items":[`, func(i int) string {
			return fmt.Sprintf(`{"name":"Site %d","notes":null,"favorite":false,"login":{"username":"user%d","password":"hunter2","totp":null}}`, i, i)
		}, ",", "]}"),
		"bitwarden json, empty items": repeatTo(`{"encrypted":false,"items":[`, func(int) string { return "{}" }, ",", "]}"),
		"2fas, empty services":        repeatTo(`{"schemaVersion":4,"services":[`, func(int) string { return "{}" }, ",", "]}"),
		"freeotp, empty tokens":       repeatTo(`{"tokens":[`, func(int) string { return "{}" }, ",", "]}"),
		"stratum, empty":              repeatTo(`{"Authenticators":[`, func(int) string { return "{}" }, ",", "]}"),
		"stratum, categories": repeatTo(`{"Authenticators":[],"AuthenticatorCategories":[`, func(int) string {
			return `{"CategoryId":"c","AuthenticatorSecret":"s"}`
		}, ",", `],"Categories":[{"Id":"c","Name":"n"}]}`),
		"proton, empty entries": repeatTo(`{"version":1,"entries":[`, func(int) string { return "{}" }, ",", "]}"),
		"steam, accounts":       repeatTo(`{"accounts":{`, func(i int) string { return fmt.Sprintf(`"%d":{}`, i) }, ",", "}}"),
		"unknown json array":    repeatTo("[", func(int) string { return "{}" }, ",", "]"),
		"unknown json object":   repeatTo(`{"x":[`, func(int) string { return "{}" }, ",", "]}"),
	}
}

// TestReadMemory reads each large file and measures what Read allocates:
// it must stay within a few times the file's size, whatever the shape.
func TestReadMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations under the race detector are its own; ./test.sh measures a normal build")
	}
	const factor = 5
	for name, data := range memoryCases() {
		if len(data) > MaxFileSize {
			t.Fatalf("%s: generated %d bytes, over MaxFileSize", name, len(data))
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		res, err := Read(data, nil)
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%-32s %5.1f MB read, %6.1f MB allocated (%.1fx), %d entries, %d skipped, err %v",
			name, float64(len(data))/1e6, float64(alloc)/1e6, float64(alloc)/float64(len(data)), len(res.Entries), len(res.Skipped), err)
		if alloc > uint64(factor*len(data)) {
			t.Errorf("%s: reading %d bytes allocated %d bytes, want at most %dx the file", name, len(data), alloc, factor)
		}
	}
}
