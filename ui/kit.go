package ui

import (
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/core"
	"latchkey/internal/safetext"
)

// kitForm makes the recovery kit: new backup codes (the old ones stop
// working) and, when asked, every account as a QR code.
type kitForm struct {
	session  *session
	accounts *widget.Check
}

func newKitForm(s *session) *kitForm {
	f := &kitForm{session: s}
	f.accounts = widget.NewCheck("Include every account as a QR code", nil)
	return f
}

// showKitForm asks what goes in the kit.
func showKitForm(s *session) {
	if !s.act() {
		return
	}
	newKitForm(s).show()
}

func (f *kitForm) show() {
	intro := widget.NewLabel("A page to print or keep offline, marked SECRET, with NEW backup codes: making it stops the old ones working. " + backupCodesLeftText(f.session.v.BackupCodesLeft()))
	intro.Wrapping = fyne.TextWrapWord
	warn := widget.NewLabel("With the accounts, anyone who sees the page can make your codes.")
	warn.Wrapping = fyne.TextWrapWord
	warn.Importance = widget.WarningImportance
	warn.SizeName = theme.SizeNameCaptionText
	body := container.New(&columnLayout{width: 360}, container.NewVBox(intro, f.accounts, warn))
	f.session.w.confirm(func(answer func(bool)) *dialog.ConfirmDialog {
		return dialog.NewCustomConfirm("Make a recovery kit?", "Make the kit…", "Cancel", body, answer, f.session.w.win)
	}, f.onConfirmed)
}

func (f *kitForm) onConfirmed(ok bool) {
	s := f.session
	if !ok || s.ended() {
		return
	}
	intro := "The kit is saved only once you choose where: until then the old backup codes keep working."
	chooseSaveFile(s.w, s.path, "Save the recovery kit", intro, "latchkey-recovery-kit.html", f.write)
}

// write makes the kit through core in the background: the file first,
// then the new codes, then the page. replace says the person agreed to
// replace a file already at path.
func (f *kitForm) write(path string, replace bool) {
	s := f.session
	v := s.v
	if v == nil {
		return
	}
	req := core.KitRequest{Path: path, NewCodes: true, WithAccounts: f.accounts.Checked, Now: s.w.now()}
	create := createPrivate(s.path, replace)
	j := s.w.busy("Making the recovery kit…")
	j.background(func() {
		codes, err := core.WriteKit(v, req, create, plainConfirm{job: j})
		fyne.Do(func() {
			j.done()
			if s.ended() {
				kit := ""
				if err == nil {
					kit = safetext.Escape(storage.NewFileURI(path).Name())
				}
				codesWhileLocked(s.w, codes != nil, kit)
				return
			}
			switch {
			case err != nil && codes != nil:
				// The old codes are gone: show the new ones rather than lose them.
				s.w.showError("Could not save the recovery kit; write down the new codes shown instead", err)
				s.showCodes(codes, "", s.showList)
			case err != nil:
				s.w.showError("Could not make the recovery kit", err)
			default:
				f.saved(path)
			}
		})
	})
}

// createPrivate is core's file for the kit: the one writer,
// vault.WriteFile, under writePrivate's rules.
func createPrivate(vaultPath string, replace bool) core.Create {
	o := privateOptions(vaultPath, replace)
	return func(path string) (core.PrivateFile, error) { return core.NewFile(path, o) }
}

// saved offers to open the saved kit in the browser, to print it.
func (f *kitForm) saved(path string) {
	s := f.session
	u := storage.NewFileURI(path)
	s.say("Saved the recovery kit. The old backup codes no longer work.")
	msg := "Saved to " + u.Name() + ". The old backup codes no longer work: the kit has the new ones.\n\nOpen it in the web browser to print it?"
	s.w.confirm(func(answer func(bool)) *dialog.ConfirmDialog {
		d := dialog.NewConfirm("Recovery kit saved", msg, answer, s.w.win)
		d.SetConfirmText("Open to print")
		d.SetDismissText("Not now")
		return d
	}, func(ok bool) {
		if !ok {
			return
		}
		if link, err := url.Parse(u.String()); err == nil {
			if err := s.w.openURL(link); err != nil {
				s.w.showError("Could not open the kit", err)
			}
		}
	})
}
