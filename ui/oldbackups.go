package ui

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"latchkey/vault"
)

// A new password, a recovery with a backup code and new backup codes each
// put the vault under a new key: copies of the vault made before still
// open with what opened them then, and only with that. The window says so
// after each change, and offers to re-encrypt or delete the vault's own
// automatic backups made before.

// keyChanged shows the outcome of a key change. codes, when the old backup
// codes could not follow the new key, are shown first; then lead (what
// changed), and what copies made before still open with (before: "the old
// password").
func (a *app) keyChanged(v *vault.Vault, title, lead string, codes []string, before string) {
	offer := func() {
		a.background(func() {
			earlier, err := v.EarlierBackups()
			fyne.Do(func() { a.offerOldBackups(v, title, lead, before, earlier, err) })
		})
	}
	if len(codes) == 0 {
		offer()
		return
	}
	s := newBackupCodesScreen(a, codes, func() {
		a.backToList()
		offer()
	})
	s.note = "Your backup codes were made by an older Latchkey and could not follow the vault's new key: these new codes replace them, and the old ones no longer open the vault."
	a.setContent(s.content())
}

// oldCopiesText says what copies made before a key change still open with.
func oldCopiesText(before string) string {
	return "The vault is now encrypted under a new key. Copies of it made before now (exported backups, copies on other disks) still open with " + before + ", and only with that."
}

func (a *app) offerOldBackups(v *vault.Vault, title, lead, before string, earlier []string, err error) {
	text := oldCopiesText(before)
	if lead != "" {
		text = lead + "\n\n" + text
	}
	if err != nil {
		text += "\n\nLatchkey could not look for the automatic backups made before: " + advice(err)
	}
	if len(earlier) == 0 {
		a.showInfo(title, text)
		return
	}
	backups := "1 automatic backup made before now still opens"
	if len(earlier) > 1 {
		backups = fmt.Sprintf("%d automatic backups made before now still open", len(earlier))
	}
	msg := widget.NewLabel(fmt.Sprintf("%s\n\n%s with %s. Re-encrypt them, so that only the current password and backup codes open them, or delete them?", text, backups, before))
	msg.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	reencrypt := widget.NewButton("Re-encrypt them", func() {
		d.Hide()
		a.dealWithOldBackups(v, false)
	})
	reencrypt.Importance = widget.HighImportance
	remove := widget.NewButton("Delete them", func() {
		d.Hide()
		a.dealWithOldBackups(v, true)
	})
	leave := widget.NewButton("Leave them", func() { d.Hide() })
	body := container.NewVBox(msg, container.NewHBox(layoutSpacer(), leave, remove, reencrypt))
	d = dialog.NewCustomWithoutButtons(title, container.New(&columnLayout{width: 420}, body), a.win)
	d.Show()
}

// dealWithOldBackups re-encrypts, or with remove deletes, the automatic
// backups made under an earlier key.
func (a *app) dealWithOldBackups(v *vault.Vault, remove bool) {
	deal, doing, did := v.ReencryptBackups, "Re-encrypting old backups…", "re-encrypted"
	if remove {
		deal, doing, did = v.RemoveEarlierBackups, "Deleting old backups…", "deleted"
	}
	a.busy(doing)
	a.background(func() {
		done, err := deal()
		fyne.Do(func() {
			a.idleAgain()
			if err != nil && !errors.Is(err, vault.ErrBackupFailed) {
				a.showError(fmt.Sprintf("%d old backups %s, then a problem", len(done), did), err)
				return
			}
			a.say(fmt.Sprintf("%d old backups %s.", len(done), did))
		})
	})
}
