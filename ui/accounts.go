package ui

import (
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/internal/safetext"
	"latchkey/otp"
	"latchkey/vault"
)

// How long the short notes under the list stay.
const (
	toastFor = 3 * time.Second
	undoFor  = 10 * time.Second
	// searchRestAfter is when an untouched search field gives up the focus:
	// its blinking cursor redraws the window many times a second, the main
	// idle cost. Typing still goes to it (see onTypedRune).
	searchRestAfter = 10 * time.Second
)

// listMaxWidth caps the list's width on a wide window, so a row's name and
// code stay close enough to read as one line.
const listMaxWidth = 640

// accountsScreen is the list of accounts with their codes, and the search
// field that filters it.
type accountsScreen struct {
	session *session
	search  *searchEntry
	list    *accountList
	empty   *widget.Label
	addBtn  *keyButton
	lock    *keyButton

	toast      *widget.Label
	toastUntil time.Time
	undoBar    *fyne.Container
	undoText   *widget.Label
	undoUntil  time.Time
	undone     *deletedAccount

	backupText *widget.Label
	backupNow  *widget.Button
	backupBar  *fyne.Container

	shown   []vault.Account         // what the list shows, in order
	rows    []*accountRow           // every row the list created: the visible ones and a few spare
	icons   map[string]*accountIcon // decoded icons by account id
	current string                  // the account last copied or opened: what Move up/down move
	anyIcon bool                    // some account shown has an icon: the others show their initial
}

// deletedAccount is what Undo puts back.
type deletedAccount struct {
	account vault.Account
	index   int
}

func newAccountsScreen(ss *session) *accountsScreen {
	s := &accountsScreen{session: ss}
	s.search = newSearchEntry(s.onSearchEscape)
	s.search.onPaste = s.onPaste
	s.search.SetPlaceHolder("Search accounts, tags, notes")
	s.search.OnChanged = s.onSearch
	s.search.OnSubmitted = s.onSearchSubmit
	s.list = newAccountList()
	s.list.Length = s.length
	s.list.CreateItem = s.createRow
	s.list.UpdateItem = s.updateRow
	s.list.OnSelected = s.onSelected
	s.empty = widget.NewLabel("")
	s.empty.Alignment = fyne.TextAlignCenter
	s.empty.Wrapping = fyne.TextWrapWord
	s.empty.Importance = widget.LowImportance
	s.addBtn = newKeyButton("", theme.ContentAddIcon(), s.onAdd)
	s.addBtn.Importance = widget.HighImportance
	s.lock = newKeyButton("", theme.LogoutIcon(), s.onLock)
	s.toast = widget.NewLabel("")
	s.toast.Importance = widget.SuccessImportance
	s.toast.Alignment = fyne.TextAlignCenter
	s.toast.Wrapping = fyne.TextWrapWord
	s.toast.Hide()
	s.undoText = widget.NewLabel("")
	s.undoText.Truncation = fyne.TextTruncateEllipsis
	s.undoBar = container.NewBorder(nil, nil, nil, widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), s.onUndo), s.undoText)
	s.undoBar.Hide()
	s.backupText = widget.NewLabel("")
	s.backupText.SizeName = theme.SizeNameCaptionText
	s.backupText.Wrapping = fyne.TextWrapWord
	s.backupNow = widget.NewButtonWithIcon("Back up now", theme.DocumentSaveIcon(), ss.onBackupNow)
	s.backupNow.Importance = widget.LowImportance
	s.backupBar = container.NewBorder(nil, nil, nil, container.NewCenter(s.backupNow), s.backupText)
	s.backupBar.Hide()
	s.reload()
	return s
}

// showBackupLine says when the vault was last backed up, and reminds when
// changes are not.
func (s *accountsScreen) showBackupLine() {
	if !s.session.backups.known {
		s.backupBar.Hide()
		return
	}
	text, warn := backupLine(s.session.backups.status, s.session.w.now())
	importance := widget.LowImportance
	if warn {
		importance = widget.WarningImportance
	}
	// Every save ends here; the same line again would redraw the window
	// for nothing.
	if s.backupBar.Visible() && text == s.backupText.Text && importance == s.backupText.Importance {
		return
	}
	s.backupText.Text = text
	s.backupText.Importance = importance
	if warn {
		s.backupNow.Show()
	} else {
		s.backupNow.Hide()
	}
	s.backupText.Refresh()
	s.backupBar.Show()
}

func (s *accountsScreen) content() fyne.CanvasObject {
	top := container.NewBorder(nil, nil, nil, container.NewHBox(s.addBtn, s.lock), s.search)
	bottom := container.NewVBox(s.toast, s.undoBar, container.NewPadded(s.backupBar))
	middle := container.NewStack(s.list, container.NewCenter(container.New(&columnLayout{width: 300}, s.empty)))
	screen := container.NewBorder(container.NewPadded(top), bottom, nil, nil, middle)
	// The catcher under everything counts mouse movement as activity.
	return container.NewStack(newActivityCatcher(s.session.touch), container.New(&widthCapLayout{width: listMaxWidth}, screen))
}

func (s *accountsScreen) focus() {
	s.session.w.setStrayKeys(s.onTypedRune, s.onTypedKey)
	s.session.w.setStrayPaste(s.onPaste)
	s.session.w.focus(s.search)
}

// onPaste is Ctrl+V on the list with no search typed: a setup key, a link
// or an image is added as the Add menu's paste does; other text is a
// search.
func (s *accountsScreen) onPaste() {
	text := s.session.w.clipboard.Content() // once: another program serves it
	if pasteAdds(text) {
		if s.session.act() {
			adder{session: s.session}.paste(text)
		}
		return
	}
	s.session.w.focus(s.search)
	s.search.Entry.TypedShortcut(&fyne.ShortcutPaste{Clipboard: readClipboard(text)})
}

// readClipboard is a clipboard's text as read already, for the search's
// paste to take without reading the clipboard again.
type readClipboard string

func (c readClipboard) Content() string { return string(c) }
func (readClipboard) SetContent(string) {}

// onTypedRune takes keys typed while nothing has the focus to the search.
func (s *accountsScreen) onTypedRune(r rune) {
	s.session.w.focus(s.search)
	s.search.TypedRune(r)
}

func (s *accountsScreen) onTypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape, fyne.KeyBackspace:
		s.session.w.focus(s.search)
		s.search.TypedKey(k)
	}
}

// reload reads the accounts from the vault and shows them again.
func (s *accountsScreen) reload() {
	s.shown = arrange(s.session.v.Accounts(), s.search.Text, parseSortOrder(s.session.settings().Sort))
	s.anyIcon = slices.ContainsFunc(s.shown, func(a vault.Account) bool { return len(a.Icon) > 0 })
	s.list.UnselectAll()
	s.list.Refresh()
	switch {
	case len(s.shown) > 0:
		s.empty.Hide()
	case s.search.Text != "":
		s.empty.SetText(fmt.Sprintf("No account matches “%s”.\nEsc clears the search.", s.search.Text))
		s.empty.Show()
	default:
		s.empty.SetText("No accounts yet.\nAdd one with + : scan a QR code on the screen, open an image, paste a link or type the key.")
		s.empty.Show()
	}
}

// tick moves every live row's code and bar on, and hides stale notes.
func (s *accountsScreen) tick(now time.Time) {
	for _, r := range s.rows {
		if r.Visible() {
			r.update(now)
		}
	}
	if !s.toastUntil.IsZero() && !now.Before(s.toastUntil) {
		s.toastUntil = time.Time{}
		s.toast.Hide()
	}
	if !s.undoUntil.IsZero() && !now.Before(s.undoUntil) {
		s.undoUntil = time.Time{}
		s.undone = nil
		s.undoBar.Hide()
	}
	// "today at" becomes "yesterday at" without a new backup.
	if st := s.session.backups; st.known {
		if text, _ := backupLine(st.status, now); text != s.backupText.Text {
			s.showBackupLine()
		}
	}
	if c := s.session.w.win.Canvas(); c.Focused() == s.search && s.session.idle.idleFor(now) >= searchRestAfter {
		c.Unfocus()
	}
}

// drop forgets every account shown, for the lock.
func (s *accountsScreen) drop() {
	// Our copies of the secrets: zero them (best effort, as Go may have
	// copied them) rather than wait for the collector.
	for _, a := range s.shown {
		clear(a.Key.Secret)
	}
	if s.undone != nil {
		clear(s.undone.account.Key.Secret)
	}
	s.shown = nil
	s.undone = nil
	s.icons = nil
	s.session.w.setStrayKeys(nil, nil)
	s.session.w.setStrayPaste(nil)
	for _, r := range s.rows {
		r.key = otp.Key{}
		r.bound = false
	}
	s.rows = nil
}

func (s *accountsScreen) length() int { return len(s.shown) }

func (s *accountsScreen) createRow() fyne.CanvasObject {
	r := newAccountRow(s.onAdvance, s.onMore)
	s.rows = append(s.rows, r)
	return r
}

func (s *accountsScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(s.shown) {
		return
	}
	o.(*accountRow).bind(s.shown[id], s.iconFor(s.shown[id]), s.anyIcon, s.session.w.now())
}

func (s *accountsScreen) onSelected(id widget.ListItemID) {
	s.list.Unselect(id)
	deleting := s.list.deleting
	s.list.deleting = false
	if id < 0 || id >= len(s.shown) {
		return
	}
	if deleting {
		s.deleteAccount(s.shown[id].ID)
		return
	}
	s.copyCode(s.shown[id].ID)
}

func (s *accountsScreen) onSearch(string) {
	s.session.touch()
	s.reload()
	if len(s.shown) > 0 {
		s.list.ScrollToTop()
	}
}

// onSearchSubmit copies the top match: type a few letters, press Enter.
// The search field then rests at once (see searchRestAfter): the person
// has what they came for, and typing still reaches it.
func (s *accountsScreen) onSearchSubmit(string) {
	if len(s.shown) > 0 {
		s.copyCode(s.shown[0].ID)
		if c := s.session.w.win.Canvas(); c.Focused() == s.search {
			c.Unfocus()
		}
	}
}

func (s *accountsScreen) onSearchEscape() {
	s.search.SetText("")
}

// copyCode puts the account's current code on the clipboard.
func (s *accountsScreen) copyCode(id string) {
	s.session.touch()
	a, ok := s.session.v.Account(id)
	if !ok {
		return
	}
	s.current = id
	now := s.session.w.now()
	code := a.Key.Code(now)
	clearAfter := s.session.settings().ClipboardClear
	s.session.clip.copy(code, clearAfter)
	msg := "Copied the " + safetext.Escape(issuerText(a.Key)) + " code."
	if clearAfter > 0 {
		msg += fmt.Sprintf(" The clipboard clears in %d s.", int(clearAfter.Seconds()))
	}
	s.say(msg)
	// A use, not an edit: Modified stays (sync tells edits apart by it).
	if err := s.session.v.MarkUsed(id); err == nil {
		s.session.save()
	}
}

// say shows a short note under the list.
func (s *accountsScreen) say(msg string) { s.note(msg, widget.SuccessImportance, toastFor) }

// sayKept shows the note of work the lock ended (window.keep): longer, as
// the person just came back, and not in the colour of success, as it may
// say a failure.
func (s *accountsScreen) sayKept(msg string) { s.note(msg, widget.WarningImportance, undoFor) }

func (s *accountsScreen) note(msg string, imp widget.Importance, d time.Duration) {
	s.toast.Importance = imp
	s.toast.SetText(safetext.Message(msg))
	s.toast.Show()
	s.toastUntil = s.session.w.now().Add(d)
}

// onAdvance moves an HOTP counter on and saves it.
func (s *accountsScreen) onAdvance(id string) {
	s.session.touch()
	a, ok := s.session.v.Account(id)
	if !ok || a.Key.Type != otp.HOTP {
		return
	}
	a.Key.Counter++
	a.Modified = s.session.w.now()
	if err := s.session.v.Update(a); err != nil {
		s.session.w.showError("Could not move the counter on", err)
		return
	}
	s.session.save()
	s.reload()
}

// onMore opens an account's menu beside its button.
func (s *accountsScreen) onMore(id string, from fyne.CanvasObject) {
	s.session.touch()
	a, ok := s.session.v.Account(id)
	if !ok {
		return
	}
	s.current = id
	showMenuAt(s.rowMenu(a), s.session.w.win.Canvas(), from)
}

// rowMenu is an account's ⋯ menu.
func (s *accountsScreen) rowMenu(a vault.Account) *fyne.Menu {
	id := a.ID
	pin := "Pin to the top"
	if a.Pinned {
		pin = "Unpin"
	}
	items := []*fyne.MenuItem{
		fyne.NewMenuItem("Copy code", func() { s.copyCode(id) }),
		fyne.NewMenuItem("Edit…", func() { s.onEdit(id) }),
		fyne.NewMenuItem(pin, func() { s.togglePin(id) }),
	}
	if parseSortOrder(s.session.settings().Sort) == sortManual {
		up := menuItem("Move up", func() { s.move(id, -1) }, scMoveUp)
		up.Disabled = !s.canMove(id, -1)
		down := menuItem("Move down", func() { s.move(id, 1) }, scMoveDown)
		down.Disabled = !s.canMove(id, 1)
		items = append(items, up, down)
	}
	items = append(items,
		fyne.NewMenuItem("Show QR code…", func() { showKeyQR(s.session, id) }),
		fyne.NewMenuItem("Service backup codes…", func() { showServiceCodes(s.session, id) }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Delete", func() { s.deleteAccount(id) }),
	)
	return fyne.NewMenu("", items...)
}

// shownIndex is where the account is in the list as shown; -1 if hidden.
func (s *accountsScreen) shownIndex(id string) int {
	for i, a := range s.shown {
		if a.ID == id {
			return i
		}
	}
	return -1
}

func (s *accountsScreen) canMove(id string, delta int) bool {
	i := s.shownIndex(id)
	return i >= 0 && i+delta >= 0 && i+delta < len(s.shown)
}

// move swaps the account with its neighbour in the list as shown, in the
// vault's manual order.
func (s *accountsScreen) move(id string, delta int) {
	s.session.touch()
	if parseSortOrder(s.session.settings().Sort) != sortManual {
		s.say("Accounts move only when sorted As added (Settings).")
		return
	}
	if !s.canMove(id, delta) {
		return
	}
	neighbour := s.shown[s.shownIndex(id)+delta].ID
	target := -1
	for i, a := range s.session.v.Accounts() {
		if a.ID == neighbour {
			target = i
		}
	}
	if err := s.session.v.Move(id, target); err != nil {
		s.session.w.showError("Could not move the account", err)
		return
	}
	s.session.save()
	s.reload()
	if i := s.shownIndex(id); i >= 0 {
		s.list.ScrollTo(i)
	}
}

func (s *accountsScreen) onMoveUp()   { s.moveCurrent(-1) }
func (s *accountsScreen) onMoveDown() { s.moveCurrent(1) }

// moveCurrent moves the account last copied or opened.
func (s *accountsScreen) moveCurrent(delta int) {
	if s.current == "" {
		s.say("Copy an account's code or open its ⋯ menu first, then move it.")
		return
	}
	s.move(s.current, delta)
}

func (s *accountsScreen) onEdit(id string) {
	if acct, ok := s.session.account(id); ok {
		newEditForm(s.session, acct).show()
	}
}

func (s *accountsScreen) togglePin(id string) {
	a, ok := s.session.v.Account(id)
	if !ok {
		return
	}
	a.Pinned = !a.Pinned
	if err := s.session.v.Update(a); err != nil {
		s.session.w.showError("Could not pin the account", err)
		return
	}
	s.session.save()
	s.reload()
}

// deleteAccount removes an account at once and offers to undo it.
func (s *accountsScreen) deleteAccount(id string) {
	index := -1
	for i, a := range s.session.v.Accounts() {
		if a.ID == id {
			index = i
			break
		}
	}
	a, err := s.session.v.Delete(id)
	if err != nil {
		s.session.w.showError("Could not delete the account", err)
		return
	}
	s.session.save()
	s.undone = &deletedAccount{account: a, index: index}
	s.undoText.SetText("Deleted " + safetext.Escape(a.Key.Label()) + ".")
	s.undoBar.Show()
	s.undoUntil = s.session.w.now().Add(undoFor)
	s.reload()
}

func (s *accountsScreen) onUndo() {
	if s.undone == nil {
		return
	}
	d := s.undone
	s.undone = nil
	s.undoUntil = time.Time{}
	s.undoBar.Hide()
	if err := s.session.v.Restore(d.account, d.index); err != nil {
		s.session.w.showError("Could not restore the account", err)
		return
	}
	s.session.save()
	s.reload()
}

func (s *accountsScreen) onAdd() {
	s.session.touch()
	showMenuAt(adder{session: s.session}.menu(), s.session.w.win.Canvas(), s.addBtn)
}

func (s *accountsScreen) onLock() { s.session.lock() }

// searchEntry is the search field: Esc clears it, Down moves to the list,
// Ctrl+V while it is empty is the list's (see accountsScreen.onPaste).
type searchEntry struct {
	widget.Entry
	onEscape func()
	onPaste  func()
}

func newSearchEntry(onEscape func()) *searchEntry {
	e := &searchEntry{onEscape: onEscape}
	e.ExtendBaseWidget(e)
	return e
}

func (e *searchEntry) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyEscape:
		e.onEscape()
	case fyne.KeyDown:
		if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil {
			c.FocusNext()
		}
	default:
		e.Entry.TypedKey(k)
	}
}

func (e *searchEntry) TypedShortcut(sc fyne.Shortcut) {
	if _, ok := sc.(*fyne.ShortcutPaste); ok && e.Text == "" && e.onPaste != nil {
		e.onPaste()
		return
	}
	e.Entry.TypedShortcut(sc)
}

// accountList is the list widget with Enter as well as Space copying the
// row under the keyboard focus, and Delete deleting it (with its undo).
type accountList struct {
	widget.List
	deleting bool // the selection that follows is a Delete's
}

func newAccountList() *accountList {
	l := &accountList{}
	l.ExtendBaseWidget(l)
	return l
}

func (l *accountList) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		k = &fyne.KeyEvent{Name: fyne.KeySpace}
	case fyne.KeyDelete:
		// The list tells only its selection which row has the focus.
		l.deleting = true
		k = &fyne.KeyEvent{Name: fyne.KeySpace}
		defer func() { l.deleting = false }()
	}
	l.List.TypedKey(k)
}
