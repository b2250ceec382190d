// Command qrread prints the text of every QR code in each image named, one
// per line: Latchkey's reader as scripts/qr-bench.sh runs it beside
// ZXingReader and zbarimg. It prints secrets; it is a measuring tool only.
package main

import (
	"fmt"
	"os"

	"latchkey/qrimport"
)

func main() {
	status := 0
	for _, path := range os.Args[1:] {
		r, err := qrimport.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "qrread:", err)
			status = 1
			continue
		}
		for _, t := range r.Raw {
			fmt.Println(t)
		}
	}
	os.Exit(status)
}
