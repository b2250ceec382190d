package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"latchkey/qrimport"
)

func TestRoutes(t *testing.T) {
	for _, tc := range []struct {
		goos string
		d    Desktop
		want []Route
	}{
		{"linux", Desktop{Wayland: "wayland-0", Display: ":0", Session: "GNOME"}, []Route{Portal}},
		{"linux", Desktop{Wayland: "wayland-0", Session: "sway"}, []Route{Portal}},
		{"linux", Desktop{Display: ":0", Session: "ubuntu:GNOME"}, []Route{Portal, X11}},
		{"linux", Desktop{Display: ":0", Session: "GNOME-Flashback:GNOME"}, []Route{Portal, X11}},
		{"linux", Desktop{Display: ":0", Session: "KDE"}, []Route{Portal, X11}},
		{"linux", Desktop{Display: ":0", Session: "kde"}, []Route{Portal, X11}},
		{"linux", Desktop{Display: ":0", Session: "XFCE"}, []Route{X11}},
		{"linux", Desktop{Display: ":0", Session: "KDEish"}, []Route{X11}},
		{"linux", Desktop{Display: ":0"}, []Route{X11}},
		{"freebsd", Desktop{Display: ":0"}, []Route{X11}},
		{"linux", Desktop{}, []Route{Portal}},
		{"windows", Desktop{Display: ":0"}, []Route{System}},
		{"darwin", Desktop{}, []Route{System}},
	} {
		if got := routesFor(tc.goos, tc.d); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s %+v: got routes %v, want %v", tc.goos, tc.d, got, tc.want)
		}
	}
}

func TestRouteNames(t *testing.T) {
	for r, want := range map[Route]string{Portal: "xdg-desktop-portal", X11: "X11", System: "system capture", 9: "Route(9)"} {
		if got := r.String(); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

// Whatever is captured must be scannable, so the caps are qrimport's.
func TestCapsAreQrimports(t *testing.T) {
	if MaxPixels != qrimport.MaxPixels || MaxSide != qrimport.MaxSide {
		t.Errorf("got caps %d pixels, %d a side; want qrimport's %d and %d", MaxPixels, MaxSide, qrimport.MaxPixels, qrimport.MaxSide)
	}
}

func TestCurrentDesktopFindsTheUserBus(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", dir)
	if got := CurrentDesktop().SessionBus; got != "" {
		t.Errorf("got bus %q with no socket, want none", got)
	}
	l, err := net.Listen("unix", filepath.Join(dir, "bus"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if got, want := CurrentDesktop().SessionBus, "unix:path="+filepath.Join(dir, "bus"); got != want {
		t.Errorf("got bus %q, want %q", got, want)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/elsewhere")
	t.Setenv("DISPLAY", ":3")
	t.Setenv("WAYLAND_DISPLAY", "wayland-1")
	t.Setenv("XDG_CURRENT_DESKTOP", "KDE")
	want := Desktop{Display: ":3", Wayland: "wayland-1", Session: "KDE", SessionBus: "unix:path=/run/elsewhere", shared: true}
	if got := CurrentDesktop(); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestDecodeRefusesHugeHeaders(t *testing.T) {
	// A PNG whose header declares 100000x100000 pixels, and nothing more.
	data := pngBytes(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	copy(data[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	_, err := decode(data)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "100000x100000") {
		t.Errorf("got %v, want a 100000x100000 image refused as too large", err)
	}
}

func TestCheckSize(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		want error
	}{
		{7680, 4320, nil},
		{MaxSide, 100, nil},
		{MaxSide + 1, 100, ErrTooLarge},
		{100, MaxSide + 1, ErrTooLarge},
		{8000, 5001, ErrTooLarge},
		{0, 10, ErrNotImage},
		{10, -1, ErrNotImage},
	} {
		if err := checkSize(tc.w, tc.h); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("%dx%d: got %v, want %v", tc.w, tc.h, err, tc.want)
		}
	}
}

func TestReadCapped(t *testing.T) {
	data, err := readCapped(strings.NewReader("12345"), 5)
	if err != nil || string(data) != "12345" {
		t.Errorf("at the limit: got %q, %v; want all 5 bytes", data, err)
	}
	if _, err := readCapped(strings.NewReader("123456"), 5); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: got %v, want ErrTooLarge", err)
	}
}
