package ui

import (
	"hash/fnv"
	"image/color"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/internal/safetext"
	"latchkey/otp"
	"latchkey/vault"
)

// warnBefore is when a code's bar turns to the warning colour and the next
// code appears beside it.
const warnBefore = 5 * time.Second

// accountRow is one line of the account list. The list reuses rows: bind
// gives a row its account, update moves its code and bar on.
type accountRow struct {
	widget.BaseWidget

	icon    *canvas.Image   // the account's own icon, when it has one
	letter  *fyne.Container // the issuer's initial, for rows beside others' icons
	initial *canvas.Text
	disc    *canvas.Circle
	issuer  *widget.Label
	name    *widget.Label
	pin     *widget.Icon
	code    *canvas.Text
	next    *canvas.Text
	bar     *timeBar
	advance *widget.Button // HOTP only: moves the counter on
	more    *keyButton     // the account's menu

	onAdvance func(id string)
	onMore    func(id string, from fyne.CanvasObject)

	id       string
	key      otp.Key
	step     uint64 // the step the shown code belongs to
	shownFor uint64 // HOTP counter the shown code belongs to
	warned   bool
	bound    bool
}

func newAccountRow(onAdvance func(string), onMore func(string, fyne.CanvasObject)) *accountRow {
	r := &accountRow{onAdvance: onAdvance, onMore: onMore}
	r.icon = canvas.NewImageFromResource(nil)
	r.icon.FillMode = canvas.ImageFillContain
	r.icon.SetMinSize(fyne.NewSize(28, 28))
	r.icon.Hide()
	r.disc = canvas.NewCircle(color.Gray{Y: 0x80})
	r.initial = canvas.NewText("", color.White)
	r.initial.TextStyle.Bold = true
	r.initial.Alignment = fyne.TextAlignCenter
	r.letter = container.New(&minSizeLayout{size: fyne.NewSize(28, 28)}, r.disc, container.NewCenter(r.initial))
	r.letter.Hide()
	r.issuer = widget.NewLabel("")
	r.issuer.TextStyle.Bold = true
	r.issuer.Truncation = fyne.TextTruncateEllipsis
	r.name = widget.NewLabel("")
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.name.SizeName = theme.SizeNameCaptionText
	r.pin = widget.NewIcon(theme.RadioButtonCheckedIcon())
	r.pin.Hide()
	r.code = canvas.NewText("", theme.Color(theme.ColorNamePrimary))
	r.code.TextSize = theme.TextSize() * 1.7
	r.code.TextStyle.Bold = true
	r.code.Alignment = fyne.TextAlignTrailing
	r.next = canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
	r.next.TextSize = theme.CaptionTextSize()
	r.next.Alignment = fyne.TextAlignTrailing
	r.bar = newTimeBar()
	r.advance = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), r.onAdvanceTapped)
	r.advance.Importance = widget.LowImportance
	r.advance.Hide()
	r.more = newKeyButton("", theme.MoreVerticalIcon(), r.onMoreTapped)
	r.more.Importance = widget.LowImportance
	r.ExtendBaseWidget(r)
	return r
}

func (r *accountRow) CreateRenderer() fyne.WidgetRenderer {
	tight := layout.NewCustomPaddedVBoxLayout(-theme.Padding() * 1.5)
	names := container.New(tight, container.NewBorder(nil, nil, nil, r.pin, r.issuer), r.name)
	codes := container.New(layout.NewCustomPaddedVBoxLayout(0), r.code, r.next)
	// The codes sit in a column of one width, right next to the menu
	// button in every row; HOTP's advance button goes before the column so
	// its code lines up with the others.
	column := container.New(&atLeastWidthLayout{width: codeColumnWidth(r.code)}, codes)
	right := container.NewHBox(r.advance, column, r.more)
	return widget.NewSimpleRenderer(container.NewBorder(nil, r.bar, container.NewCenter(container.NewStack(r.icon, r.letter)), container.NewCenter(right), names))
}

// codeColumnWidth fits an eight-digit code in the code's font; a longer
// one widens its own row's column.
func codeColumnWidth(code *canvas.Text) float32 {
	return fyne.MeasureText("0000 0000", code.TextSize, code.TextStyle).Width
}

// bind shows account a, with its decoded icon (nil: none), in this row.
// Without an icon, letter says whether to show the issuer's initial, to
// keep the names lined up with rows that have icons.
func (r *accountRow) bind(a vault.Account, icon *accountIcon, letter bool, now time.Time) {
	r.icon.Hide()
	r.letter.Hide()
	switch {
	case icon.showIn(r.icon):
		r.icon.Show()
	case letter:
		r.initial.Text = initial(issuerText(a.Key))
		r.disc.FillColor = avatarColour(issuerText(a.Key))
		r.initial.Refresh()
		r.disc.Refresh()
		r.letter.Show()
	}
	r.id = a.ID
	r.key = a.Key
	r.bound = true
	r.issuer.SetText(safetext.Escape(issuerText(a.Key)))
	r.name.SetText(safetext.Escape(a.Key.Name))
	if a.Pinned {
		r.pin.Show()
	} else {
		r.pin.Hide()
	}
	if a.Key.Type == otp.HOTP {
		r.advance.Show()
		r.bar.Hide()
	} else {
		r.advance.Hide()
		r.bar.Show()
	}
	r.step, r.shownFor = ^uint64(0), ^uint64(0)
	r.update(now)
}

// avatarColours are calm colours that carry white letters in either theme.
var avatarColours = []color.NRGBA{
	{0x1e, 0x88, 0xe5, 0xff}, {0x43, 0xa0, 0x47, 0xff}, {0xe5, 0x39, 0x35, 0xff}, {0x8e, 0x24, 0xaa, 0xff},
	{0xf4, 0x51, 0x1e, 0xff}, {0x00, 0x89, 0x7b, 0xff}, {0x5e, 0x35, 0xb1, 0xff}, {0x6d, 0x4c, 0x41, 0xff},
}

// avatarColour picks one by the name, so an issuer keeps its colour.
func avatarColour(name string) color.Color {
	h := fnv.New32a()
	h.Write([]byte(name))
	return avatarColours[h.Sum32()%uint32(len(avatarColours))]
}

// initial is the first letter shown in the avatar: never a control
// character, which would act on the text around it.
func initial(name string) string {
	for _, r := range strings.ToUpper(name) {
		if unicode.IsGraphic(r) && !safetext.Unsafe(r) && !unicode.IsSpace(r) {
			return string(r)
		}
	}
	return ""
}

func issuerText(k otp.Key) string {
	if k.Issuer == "" {
		return k.Name
	}
	return k.Issuer
}

// update moves the code and the bar to now, refreshing only what changed.
func (r *accountRow) update(now time.Time) {
	if !r.bound {
		return
	}
	if r.key.Type == otp.HOTP {
		if r.shownFor != r.key.Counter {
			r.shownFor = r.key.Counter
			r.setCode(r.key.Code(now))
		}
		return
	}
	if step := r.key.Step(now); step != r.step {
		r.step = step
		r.setCode(r.key.Code(now))
	}
	left := r.key.Remaining(now)
	warn := left <= warnBefore
	r.bar.set(barFraction(left, r.key.Period), warn)
	if warn != r.warned {
		r.warned = warn
		if warn {
			r.next.Text = "next " + groupCode(r.key.NextCode(now))
			r.code.Color = theme.Color(theme.ColorNameWarning)
		} else {
			r.next.Text = ""
			r.code.Color = theme.Color(theme.ColorNamePrimary)
		}
		r.next.Refresh()
		r.code.Refresh()
	}
}

// barSteps is how many times a bar moves in a period: every 5 s of a 30 s
// code. Each move redraws the whole window (Fyne repaints all of it when
// anything changed), and the bars of every row move in the same tick.
const barSteps = 6

// barFraction is how full the bar is drawn: the time left rounded up to a
// sixth of the period. It does not count down the warning's last seconds:
// the warning colour and the next code already say the code is ending, and
// a move a second would be five more redraws per code.
func barFraction(left time.Duration, period uint32) float32 {
	if period == 0 {
		return 0
	}
	step := max(time.Duration(period)*time.Second/barSteps, time.Second)
	left = (left + step - 1) / step * step
	return min(float32(left.Seconds())/float32(period), 1)
}

func (r *accountRow) setCode(code string) {
	r.code.Text = groupCode(code)
	r.code.Refresh()
	if r.warned {
		r.warned = false
		r.next.Text = ""
		r.code.Color = theme.Color(theme.ColorNamePrimary)
		r.next.Refresh()
		r.code.Refresh()
	}
}

func (r *accountRow) onAdvanceTapped() {
	if r.onAdvance != nil {
		r.onAdvance(r.id)
	}
}

func (r *accountRow) onMoreTapped() {
	if r.onMore != nil {
		r.onMore(r.id, r.more)
	}
}

// timeBar is a thin bar showing how much of a code's time is left.
type timeBar struct {
	widget.BaseWidget
	fraction float32
	warn     bool
}

func newTimeBar() *timeBar {
	b := &timeBar{}
	b.ExtendBaseWidget(b)
	return b
}

// set changes the bar, refreshing it only when it visibly changes.
func (b *timeBar) set(fraction float32, warn bool) {
	fraction = min(max(fraction, 0), 1)
	if fraction == b.fraction && warn == b.warn {
		return
	}
	b.fraction, b.warn = fraction, warn
	b.Refresh()
}

func (b *timeBar) CreateRenderer() fyne.WidgetRenderer {
	r := &timeBarRenderer{bar: b, track: canvas.NewRectangle(theme.Color(theme.ColorNameInputBorder)), fill: canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))}
	r.track.CornerRadius = 2
	r.fill.CornerRadius = 2
	return r
}

type timeBarRenderer struct {
	bar         *timeBar
	track, fill *canvas.Rectangle
}

func (r *timeBarRenderer) Layout(size fyne.Size) {
	r.track.Resize(size)
	r.fill.Resize(fyne.NewSize(size.Width*r.bar.fraction, size.Height))
}

func (r *timeBarRenderer) MinSize() fyne.Size { return fyne.NewSize(20, 4) }

func (r *timeBarRenderer) Refresh() {
	r.track.FillColor = theme.Color(theme.ColorNameInputBorder)
	if r.bar.warn {
		r.fill.FillColor = theme.Color(theme.ColorNameWarning)
	} else {
		r.fill.FillColor = theme.Color(theme.ColorNamePrimary)
	}
	r.Layout(r.bar.Size())
	r.track.Refresh()
	r.fill.Refresh()
}

func (r *timeBarRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.track, r.fill} }

func (r *timeBarRenderer) Destroy() {}
