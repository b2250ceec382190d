package ui

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/core"
	"latchkey/internal/safetext"
	"latchkey/otp"
	"latchkey/vault"
)

// What is said before an export that is not encrypted.
const (
	plainFileWarning = "The file is NOT encrypted: anyone who reads it can make your codes. Use it only to move to another app, then delete it. For a copy to keep, use Back up to a file instead."
	plainQRWarning   = "The QR codes are NOT encrypted: anyone who sees or photographs them can make your codes. Show them only to your own phone, with nobody looking."
)

// plainConfirm answers core's question before a plain export with a
// dialog, from the worker making the export.
type plainConfirm struct{ app *app }

var _ core.Confirmer = plainConfirm{}

func (p plainConfirm) ConfirmPlain(f core.Format) bool {
	title, warning := "Export links?", plainFileWarning
	switch f {
	case core.FormatAegis:
		title = "Export an Aegis file?"
	case core.FormatGoogleQR:
		title, warning = "Show Google Authenticator QR codes?", plainQRWarning
	case core.FormatKit:
		return true // the kit's form said what it holds and was confirmed
	}
	return askAndWait(p.app, func(answer func(bool)) {
		d := dialog.NewConfirm(title, warning, answer, p.app.win)
		d.SetConfirmText("Export")
		d.SetDismissText("Cancel")
		d.Show()
	})
}

// exportPlain makes a plain export in the background through core, which
// asks first; then the result goes to done on the UI goroutine, while the
// vault is still open.
func exportPlain[T any](a *app, build func(accounts []vault.Account, c core.Confirmer) (T, error), done func(T)) {
	v := a.v
	if v == nil {
		return
	}
	a.touch()
	a.background(func() {
		accounts := v.Accounts()
		out, err := build(accounts, plainConfirm{app: a})
		for _, acct := range accounts {
			clear(acct.Key.Secret)
		}
		fyne.Do(func() {
			switch {
			case errors.Is(err, core.ErrDeclined):
			case err != nil:
				a.showError("Could not export", err)
			case a.v != nil:
				done(out)
			}
		})
	})
}

func (a *app) onExportLinks() {
	exportPlain(a, core.URIList, func(data []byte) {
		a.savePrivate("latchkey-accounts.txt", data, "links")
	})
}

func (a *app) onExportAegis() {
	exportPlain(a, core.Aegis, func(data []byte) {
		a.savePrivate("aegis-export-plain.json", data, "Aegis file")
	})
}

// savePrivate asks where to save data that is not encrypted and writes it
// there, 0600.
func (a *app) savePrivate(name string, data []byte, what string) {
	a.chooseSaveFile("Save the "+what, "The file is not encrypted: put it where only you can read it, and delete it once used.", name, func(path string, replace bool) {
		err := a.writePrivate(path, data, replace)
		clear(data)
		if err != nil {
			a.showError("Could not save the "+what, err)
			return
		}
		a.say("Saved the " + what + " to " + filepath.Base(path) + ". It is not encrypted: delete it once used.")
	})
}

// onExportGoogle shows the accounts as Google Authenticator export QR
// codes, for the phone to scan off the screen.
func (a *app) onExportGoogle() {
	type codes struct {
		pngs    [][]byte
		skipped []otp.Key
	}
	build := func(accounts []vault.Account, c core.Confirmer) (codes, error) {
		pngs, skipped, err := core.GoogleQR(accounts, 560, c)
		return codes{pngs, skipped}, err
	}
	exportPlain(a, build, func(g codes) { newGoogleExport(a, g.pngs, g.skipped).show() })
}

// googleExport pages through the export's QR codes.
type googleExport struct {
	app     *app
	pngs    [][]byte
	at      int
	image   *canvas.Image
	counter *widget.Label
	prev    *widget.Button
	next    *widget.Button
	skipped []otp.Key
}

func newGoogleExport(a *app, pngs [][]byte, skipped []otp.Key) *googleExport {
	g := &googleExport{app: a, pngs: pngs, skipped: skipped}
	g.image = canvas.NewImageFromResource(nil)
	g.image.FillMode = canvas.ImageFillContain
	g.image.ScaleMode = canvas.ImageScalePixels
	g.image.SetMinSize(fyne.NewSize(320, 320))
	g.counter = widget.NewLabel("")
	g.counter.Alignment = fyne.TextAlignCenter
	g.prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), g.onPrev)
	g.next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), g.onNext)
	g.showPage()
	return g
}

// skippedText names the accounts the export cannot carry.
func skippedText(skipped []otp.Key) string {
	if len(skipped) == 0 {
		return ""
	}
	var names []string
	for _, k := range skipped {
		names = append(names, safetext.Escape(k.Label()))
	}
	return "Not in these codes (Google Authenticator cannot hold them; move them by hand): " + strings.Join(names, ", ") + "."
}

func (g *googleExport) show() {
	intro := widget.NewLabel("In Google Authenticator choose Transfer accounts, Import accounts, and scan each code in turn.")
	intro.Wrapping = fyne.TextWrapWord
	parts := []fyne.CanvasObject{intro, g.image, container.NewBorder(nil, nil, g.prev, g.next, g.counter)}
	if t := skippedText(g.skipped); t != "" {
		l := widget.NewLabel(t)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		parts = append(parts, l)
	}
	d := dialog.NewCustom("Google Authenticator export", "Done", container.New(&columnLayout{width: 380}, container.NewVBox(parts...)), g.app.win)
	d.SetOnClosed(func() {
		for _, p := range g.pngs {
			clear(p)
		}
	})
	d.Show()
}

func (g *googleExport) showPage() {
	if len(g.pngs) == 0 {
		g.counter.SetText("No account can go into a Google Authenticator export.")
		g.prev.Disable()
		g.next.Disable()
		return
	}
	g.image.Resource = fyne.NewStaticResource(fmt.Sprintf("google-export-%d.png", g.at+1), g.pngs[g.at])
	g.image.Refresh()
	g.counter.SetText(fmt.Sprintf("Code %d of %d", g.at+1, len(g.pngs)))
	enable(g.prev, g.at > 0)
	enable(g.next, g.at < len(g.pngs)-1)
}

func (g *googleExport) onPrev() {
	if g.at > 0 {
		g.at--
		g.showPage()
	}
}

func (g *googleExport) onNext() {
	if g.at < len(g.pngs)-1 {
		g.at++
		g.showPage()
	}
}

// kitForm makes the recovery kit: new backup codes (the old ones stop
// working) and, when asked, every account as a QR code.
type kitForm struct {
	app      *app
	accounts *widget.Check
}

func (a *app) onRecoveryKit() {
	if a.v == nil {
		return
	}
	a.touch()
	f := &kitForm{app: a}
	f.accounts = widget.NewCheck("Include every account as a QR code", nil)
	intro := widget.NewLabel("A page to print or keep offline, marked SECRET, with NEW backup codes: making it stops the old ones working. " + backupCodesLeftText(a.v.BackupCodesLeft()))
	intro.Wrapping = fyne.TextWrapWord
	warn := widget.NewLabel("With the accounts, anyone who sees the page can make your codes.")
	warn.Wrapping = fyne.TextWrapWord
	warn.Importance = widget.WarningImportance
	warn.SizeName = theme.SizeNameCaptionText
	d := dialog.NewCustomConfirm("Make a recovery kit?", "Make the kit…", "Cancel",
		container.New(&columnLayout{width: 360}, container.NewVBox(intro, f.accounts, warn)), f.onConfirmed, a.win)
	d.Show()
}

func (f *kitForm) onConfirmed(ok bool) {
	if !ok || f.app.v == nil {
		return
	}
	intro := "The kit is saved only once you choose where: until then the old backup codes keep working."
	f.app.chooseSaveFile("Save the recovery kit", intro, "latchkey-recovery-kit.html", f.write)
}

// write makes the kit through core in the background: the file first,
// then the new codes, then the page. replace says the person agreed to
// replace a file already at path.
func (f *kitForm) write(path string, replace bool) {
	a := f.app
	v := a.v
	if v == nil {
		return
	}
	req := core.KitRequest{Path: path, NewCodes: true, WithAccounts: f.accounts.Checked, Now: a.now()}
	a.busy("Making the recovery kit…")
	a.background(func() {
		codes, err := core.WriteKit(v, req, a.createPrivate(replace), plainConfirm{app: a})
		fyne.Do(func() {
			a.idleAgain()
			switch {
			case err != nil && codes != nil:
				// The old codes are gone: show the new ones rather than lose them.
				a.showError("Could not save the recovery kit; write down the new codes shown instead", err)
				a.showBackupCodes(codes)
			case err != nil:
				a.showError("Could not make the recovery kit", err)
			default:
				a.kitSaved(path)
			}
		})
	})
}

// createPrivate is core's file for the kit: the one writer,
// vault.WriteFile, under writePrivate's rules.
func (a *app) createPrivate(replace bool) core.Create {
	o := privateOptions(a.path, replace)
	return func(path string) (core.PrivateFile, error) { return core.NewFile(path, o) }
}

// kitSaved offers to open the saved kit in the browser, to print it.
func (a *app) kitSaved(path string) {
	u := storage.NewFileURI(path)
	a.say("Saved the recovery kit. The old backup codes no longer work.")
	msg := "Saved to " + u.Name() + ". The old backup codes no longer work: the kit has the new ones.\n\nOpen it in the web browser to print it?"
	d := dialog.NewConfirm("Recovery kit saved", msg, func(ok bool) {
		if !ok {
			return
		}
		if link, err := url.Parse(u.String()); err == nil {
			if err := a.fyne.OpenURL(link); err != nil {
				a.showError("Could not open the kit", err)
			}
		}
	}, a.win)
	d.SetConfirmText("Open to print")
	d.SetDismissText("Not now")
	d.Show()
}
