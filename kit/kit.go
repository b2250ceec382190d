// Package kit writes the recovery kit: one self-contained HTML page to print
// or keep offline, holding what someone needs to get every account back when
// the computer, the disk or the password is gone.
//
//	err := kit.Write(f, kit.Kit{VaultPath: v.Path(), BackupCodes: codes, Created: time.Now()})
//
// The page has the vault's backup codes, where the vault and its backups
// live, the steps to recover, and optionally every account as a QR code with
// its issuer, name and secret. It is marked SECRET at the top and on every
// printed page. It loads nothing from anywhere: the styles are inline and the
// QR codes are data: URIs, so it can be opened and printed offline. Write
// only writes to w: where it goes is the caller's (and the user's) choice.
package kit

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"latchkey/otp"
	"latchkey/qrimport"
	"latchkey/vault"
)

// Kit is what goes on the page.
type Kit struct {
	VaultPath string // where the vault file lives
	BackupDir string // where its automatic backups go; "" leaves it out
	// BackupCodes are the vault's backup codes. The vault keeps them only
	// wrapped, so they exist to print only when they are made; with none,
	// the page says how to make a new set.
	BackupCodes []string
	// Accounts, when given, are printed each with a QR code and its secret,
	// so they can be scanned into any authenticator.
	Accounts []vault.Account
	Created  time.Time // shown on the page; the caller passes the time
}

// ErrNothing: a kit with neither backup codes nor accounts would hold
// nothing that recovers anything.
var ErrNothing = errors.New("kit: no backup codes and no accounts to put in the recovery kit")

// Write renders k as one HTML page to w.
func Write(w io.Writer, k Kit) error {
	if len(k.BackupCodes) == 0 && len(k.Accounts) == 0 && k.VaultPath == "" {
		return ErrNothing
	}
	page := pageData{Kit: k, Created: k.Created.UTC().Format("2006-01-02 15:04 UTC")}
	for _, a := range k.Accounts {
		page.Accounts = append(page.Accounts, entryOf(a.Key))
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, page); err != nil {
		return fmt.Errorf("kit: rendering the page: %w", err)
	}
	defer clear(b.Bytes())
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("kit: writing the page: %w", err)
	}
	return nil
}

type pageData struct {
	Kit
	Created  string
	Accounts []entry
}

// entry is one account as printed.
type entry struct {
	Issuer, Name string
	Details      string       // "TOTP, 6 digits, every 30 s, SHA1"
	Secret       string       // base32 in groups of four, for typing
	QR           template.URL // data: URI of a PNG; "" when the URI does not fit a QR code
}

func entryOf(k otp.Key) entry {
	e := entry{Issuer: k.Issuer, Name: k.Name, Details: details(k), Secret: groups(otp.EncodeSecret(k.Secret))}
	if png, err := qrimport.KeyPNG(k, qrSize); err == nil {
		e.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	return e
}

func details(k otp.Key) string {
	s := fmt.Sprintf("%s, %d digits", strings.ToUpper(k.Type.String()), k.Digits)
	if k.Type.TimeBased() {
		s += fmt.Sprintf(", every %d s", k.Period)
	} else {
		s += fmt.Sprintf(", counter %d", k.Counter)
	}
	return s + ", " + k.Algorithm.String()
}

// groups splits a base32 secret into groups of four, as apps show them.
func groups(s string) string {
	s = strings.TrimRight(s, "=")
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

// qrSize is the QR image's side in pixels; printed 45 mm wide, a
// long-named account's code still has modules near 0.8 mm.
const qrSize = 320

var pageTemplate = template.Must(template.New("kit").Parse(pageHTML))

// The fixed .mark repeats on every printed page in browsers that print
// fixed elements once per page (Chromium, Firefox); @page adds a margin box
// where that is supported.
const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>SECRET: Latchkey recovery kit</title>
<style>
@page { size: auto; margin: 18mm 15mm; @top-center { content: "SECRET: Latchkey recovery kit"; font: bold 10pt sans-serif; color: #b00; } }
body { font: 11pt/1.4 sans-serif; color: #000; max-width: 180mm; margin: 0 auto; padding-top: 12mm; }
.mark { position: fixed; top: 0; left: 0; right: 0; text-align: center; font-weight: bold; color: #b00; border-bottom: 2px solid #b00; background: #fff; padding: 1mm 0; letter-spacing: .1em; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 8mm 0 2mm; border-bottom: 1px solid #888; }
.warn { border: 2px solid #b00; padding: 2mm 4mm; }
.path, .code, .secret { font-family: monospace; }
.path { word-break: break-all; }
ol.codes { columns: 2; font-size: 13pt; }
ol.codes li { margin: 1mm 0; }
.box { display: inline-block; width: 3.5mm; height: 3.5mm; border: 1px solid #000; margin-left: 3mm; vertical-align: middle; }
.account { display: flex; gap: 5mm; align-items: flex-start; border-top: 1px solid #ccc; padding: 3mm 0; break-inside: avoid; page-break-inside: avoid; }
.account img { width: 45mm; height: 45mm; image-rendering: pixelated; flex: none; }
.noqr { width: 45mm; flex: none; font-style: italic; }
.issuer { font-weight: bold; font-size: 12pt; }
.secret { word-break: break-all; }
.small { font-size: 9pt; color: #333; }
@media print { .mark { position: fixed; } }
</style>
</head>
<body>
<div class="mark">SECRET: anyone holding this page can get into your accounts</div>
<h1>Latchkey recovery kit</h1>
<p class="warn"><strong>SECRET.</strong> This page opens your two-factor accounts. Print it or keep the file
offline (not in email or a shared folder), store it apart from your computer, and destroy old copies.</p>
<p class="small">Made {{.Created}}. Made offline; it loads nothing from the internet.</p>

<h2>Where the vault lives</h2>
<p>Vault file: <span class="path">{{if .VaultPath}}{{.VaultPath}}{{else}}(not given){{end}}</span></p>
{{- if .BackupDir}}
<p>Automatic backups: <span class="path">{{.BackupDir}}</span></p>
{{- end}}

<h2>Backup codes</h2>
{{- if .BackupCodes}}
<p>Each code opens the vault once when the password is lost. Tick a code when you use it.</p>
<ol class="codes">
{{- range .BackupCodes}}
<li><span class="code">{{.}}</span><span class="box"></span></li>
{{- end}}
</ol>
{{- else}}
<p class="warn">This kit holds no backup codes. Latchkey shows backup codes only when it makes them. To put
codes in a kit, make a new set as you make the kit (<span class="code">latchkey recovery-kit --regenerate-codes</span>);
the old set then stops opening the vault.</p>
{{- end}}

<h2>How to get everything back</h2>
<ol>
<li>Password lost: run <span class="code">latchkey recover</span> (or use a backup code in the app's unlock screen), type one backup code, then choose a new password.</li>
<li>Computer or disk lost: install Latchkey, then run <span class="code">latchkey restore BACKUP_FILE</span> (or restore in the app) with a backup from the folder above, a copy of the vault file, or an exported backup, and its password.</li>
{{- if .Accounts}}
<li>Nothing else left: scan the QR codes below into any authenticator app, or type the secrets.</li>
{{- end}}
</ol>
{{- if .Accounts}}

<h2>Accounts ({{len .Accounts}})</h2>
<p class="warn"><strong>SECRET.</strong> Each QR code below is a full copy of an account's key.</p>
{{- range .Accounts}}
<div class="account">
{{- if .QR}}
<img alt="QR code of {{.Issuer}} {{.Name}}" src="{{.QR}}">
{{- else}}
<div class="noqr">Too long for a QR code: type the secret.</div>
{{- end}}
<div><div class="issuer">{{if .Issuer}}{{.Issuer}}{{else}}(no issuer){{end}}</div>
<div>{{.Name}}</div>
<div class="small">{{.Details}}</div>
<div class="secret">{{.Secret}}</div></div>
</div>
{{- end}}
{{- end}}
</body>
</html>
`
