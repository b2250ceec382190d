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

// keyChange is the outcome of a key change: lead (what changed) titled
// title, and what copies made before still open with (before: "the old
// password").
type keyChange struct {
	session             *session
	v                   *vault.Vault
	title, lead, before string
}

// show shows the outcome. codes, when the old backup codes could not
// follow the new key, are shown first.
func (k keyChange) show(codes []string) {
	if len(codes) == 0 {
		k.offer()
		return
	}
	note := "Your backup codes were made by an older Latchkey and could not follow the vault's new key: these new codes replace them, and the old ones no longer open the vault."
	k.session.showCodes(codes, note, func() {
		k.session.showList()
		k.offer()
	})
}

// offer looks for the automatic backups made before, in the background,
// then says what copies open with and offers to deal with them.
func (k keyChange) offer() {
	w := k.session.w
	w.background(func() {
		earlier, err := k.v.EarlierBackups()
		fyne.Do(func() { k.ask(earlier, err) })
	})
}

// oldCopiesText says what copies made before a key change still open with.
func oldCopiesText(before string) string {
	return "The vault is now encrypted under a new key. Copies of it made before now (exported backups, copies on other disks) still open with " + before + ", and only with that."
}

func (k keyChange) ask(earlier []string, err error) {
	w := k.session.w
	text := oldCopiesText(k.before)
	if k.lead != "" {
		text = k.lead + "\n\n" + text
	}
	if err != nil {
		text += "\n\nLatchkey could not look for the automatic backups made before. " + advice(err)
	}
	if len(earlier) == 0 {
		w.showInfo(k.title, text)
		return
	}
	backups := "1 automatic backup made before now still opens"
	if len(earlier) > 1 {
		backups = fmt.Sprintf("%d automatic backups made before now still open", len(earlier))
	}
	msg := widget.NewLabel(fmt.Sprintf("%s\n\n%s with %s. Re-encrypt them, so that only the current password and backup codes open them, or delete them?", text, backups, k.before))
	msg.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	reencrypt := widget.NewButton("Re-encrypt them", func() {
		d.Hide()
		k.deal(false)
	})
	reencrypt.Importance = widget.HighImportance
	remove := widget.NewButton("Delete them", func() {
		d.Hide()
		k.deal(true)
	})
	leave := widget.NewButton("Leave them", func() { d.Hide() })
	body := container.NewVBox(msg, container.NewHBox(layoutSpacer(), leave, remove, reencrypt))
	d = dialog.NewCustomWithoutButtons(k.title, container.New(&columnLayout{width: 420}, body), w.win)
	w.present(d, reencrypt.OnTapped)
}

// deal re-encrypts, or with remove deletes, the automatic backups made
// under an earlier key.
func (k keyChange) deal(remove bool) {
	s := k.session
	deal, doing, did := k.v.ReencryptBackups, "Re-encrypting old backups…", "re-encrypted"
	if remove {
		deal, doing, did = k.v.RemoveEarlierBackups, "Deleting old backups…", "deleted"
	}
	j := s.w.busy(doing)
	j.background(func() {
		done, err := deal()
		fyne.Do(func() {
			j.done()
			failed := err != nil && !errors.Is(err, vault.ErrBackupFailed)
			if j.endedByLock(failed, fmt.Sprintf("%d old backups %s before the lock, then a problem: some may still open with %s.", len(done), did, k.before),
				fmt.Sprintf("%d old backups %s before the lock.", len(done), did)) {
				return
			}
			if failed {
				s.w.showError(fmt.Sprintf("%d old backups %s, then a problem", len(done), did), err)
				return
			}
			s.say(fmt.Sprintf("%d old backups %s.", len(done), did))
		})
	})
}
