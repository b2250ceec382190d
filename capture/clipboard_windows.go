//go:build windows

package capture

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// The clipboard through user32 directly. golang.design/x/clipboard does it
// too, but trusts the bitmap header's size and reads past the end of a
// block whose header lies; here the block's real size bounds every read.
var (
	user32                     = windows.NewLazySystemDLL("user32.dll")
	kernel32                   = windows.NewLazySystemDLL("kernel32.dll")
	openClipboard              = user32.NewProc("OpenClipboard")
	closeClipboard             = user32.NewProc("CloseClipboard")
	getClipboardData           = user32.NewProc("GetClipboardData")
	isClipboardFormatAvailable = user32.NewProc("IsClipboardFormatAvailable")
	registerClipboardFormat    = user32.NewProc("RegisterClipboardFormatW")
	globalLock                 = kernel32.NewProc("GlobalLock")
	globalUnlock               = kernel32.NewProc("GlobalUnlock")
	globalSize                 = kernel32.NewProc("GlobalSize")
)

// cfDIB is the standard bitmap format; Windows offers it for any bitmap
// on the clipboard, converting when needed.
const cfDIB = 8

// ClipboardImage reads the image on the clipboard: the "PNG" format that
// browsers and Office add, or else the bitmap every program offers.
func (d Desktop) ClipboardImage(ctx context.Context) (image.Image, error) {
	// The clipboard is opened and closed by the same thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := openClipboardRetrying(ctx); err != nil {
		return nil, err
	}
	defer closeClipboard.Call()
	if png := pngFormat(); png != 0 && available(png) {
		data, err := clipboardBlock(png)
		if err != nil {
			return nil, err
		}
		return decode(data)
	}
	if available(cfDIB) {
		data, err := clipboardBlock(cfDIB)
		if err != nil {
			return nil, err
		}
		return decodeDIB(data)
	}
	return nil, ErrNoImage
}

// openClipboardRetrying waits while another program has the clipboard open,
// as they do for a moment while copying.
func openClipboardRetrying(ctx context.Context) error {
	for range 20 {
		if r, _, _ := openClipboard.Call(0); r != 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("reading the clipboard: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("%w: another program keeps it open", ErrNoClipboard)
}

func pngFormat() uintptr {
	name, err := windows.UTF16PtrFromString("PNG")
	if err != nil {
		return 0
	}
	r, _, _ := registerClipboardFormat.Call(uintptr(unsafe.Pointer(name)))
	return r
}

func available(format uintptr) bool {
	r, _, _ := isClipboardFormatAvailable.Call(format)
	return r != 0
}

// clipboardBlock copies a clipboard format's memory block, refusing one
// over MaxBytes before copying.
func clipboardBlock(format uintptr) ([]byte, error) {
	h, _, err := getClipboardData.Call(format)
	if h == 0 {
		return nil, fmt.Errorf("%w: %v", ErrNoClipboard, err)
	}
	size, _, _ := globalSize.Call(h)
	if size == 0 {
		return nil, fmt.Errorf("%w: an empty block", ErrNoClipboard)
	}
	if size > MaxBytes {
		return nil, fmt.Errorf("clipboard image of %d MiB: %w (limit %d MiB)", size>>20, ErrTooLarge, MaxBytes>>20)
	}
	p, _, err := globalLock.Call(h)
	if p == 0 {
		return nil, fmt.Errorf("%w: %v", ErrNoClipboard, err)
	}
	defer globalUnlock.Call(h)
	// p points into memory Windows owns and keeps still while locked.
	block := unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&p))), size)
	return bytes.Clone(block), nil
}
