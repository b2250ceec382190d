package capture

import (
	"encoding/binary"
	"fmt"
	"image"
)

// Compression values of a BITMAPINFOHEADER that leave the pixels plain.
const (
	biRGB       = 0
	biBitfields = 3
)

// decodeDIB decodes a device-independent bitmap as the Windows clipboard
// holds it (CF_DIB): a BITMAPINFOHEADER or a longer successor, the colour
// masks when the compression is BI_BITFIELDS and the header has no room for
// them, an optional colour table, then the rows, each padded to 4 bytes,
// bottom-up unless the height is negative. The alpha byte is ignored: in
// clipboard bitmaps it is often zero for opaque pixels.
//
// It is written here rather than borrowed: golang.org/x/image/bmp wants a
// file header and refuses BI_BITFIELDS with the short header, which is how
// Windows itself puts screenshots on the clipboard.
func decodeDIB(b []byte) (image.Image, error) {
	if len(b) < 40 {
		return nil, fmt.Errorf("%w: a bitmap of %d bytes", ErrNotImage, len(b))
	}
	le := binary.LittleEndian
	headerLen := int64(le.Uint32(b[0:]))
	width, height := int64(int32(le.Uint32(b[4:]))), int64(int32(le.Uint32(b[8:])))
	planes, bpp := le.Uint16(b[12:]), int(le.Uint16(b[14:]))
	compression, colours := le.Uint32(b[16:]), int64(le.Uint32(b[32:]))
	if headerLen < 40 || headerLen > int64(len(b)) || planes != 1 {
		return nil, fmt.Errorf("%w: a bitmap header of %d bytes", ErrNotImage, headerLen)
	}
	topDown := height < 0
	if topDown {
		height = -height
	}
	if width > MaxSide || height > MaxSide { // before int conversion can wrap
		return nil, fmt.Errorf("image of %dx%d pixels: %w", width, height, ErrTooLarge)
	}
	if err := checkSize(int(width), int(height)); err != nil {
		return nil, err
	}
	pf := pixelFormat{bpp: bpp, pad: 32}
	offset := headerLen
	switch {
	case compression == biRGB && bpp == 16:
		pf.channels = [3]channel{newChannel(0x7c00), newChannel(0x03e0), newChannel(0x001f)}
	case compression == biRGB && (bpp == 24 || bpp == 32):
		pf.channels = [3]channel{newChannel(0xff0000), newChannel(0xff00), newChannel(0xff)}
	case compression == biBitfields && (bpp == 16 || bpp == 32):
		masks := offset
		if headerLen < 52 {
			offset += 12 // the masks follow the short header
		} else {
			masks = 40 // BITMAPV2INFOHEADER and later hold them
		}
		if masks+12 > int64(len(b)) {
			return nil, fmt.Errorf("%w: a bitmap cut short", ErrNotImage)
		}
		pf.channels = [3]channel{newChannel(le.Uint32(b[masks:])), newChannel(le.Uint32(b[masks+4:])), newChannel(le.Uint32(b[masks+8:]))}
	default:
		return nil, fmt.Errorf("%w: a %d-bit bitmap with compression %d", ErrNotImage, bpp, compression)
	}
	if err := pf.check(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotImage, err)
	}
	if colours > 256 {
		return nil, fmt.Errorf("%w: a colour table of %d entries", ErrNotImage, colours)
	}
	offset += 4 * colours // an optional palette, unused at these depths
	stride := int64(pf.stride(int(width)))
	if offset+stride*height > int64(len(b)) {
		return nil, fmt.Errorf("%w: a bitmap cut short", ErrNotImage)
	}
	w, h := int(width), int(height)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		src := b[offset+int64(y)*stride:]
		row := h - 1 - y
		if topDown {
			row = y
		}
		pf.convertRow(img.Pix[row*img.Stride:], src, w)
	}
	return img, nil
}
