// Package qrimport turns screenshots, images and pasted text into the
// authenticator accounts they hold, and draws accounts as QR codes.
//
// # Reading
//
//	r, err := qrimport.ReadFile("screenshot.png") // PNG, JPEG, GIF, BMP, WebP
//	r, err := qrimport.ReadImage(img)             // a clipboard paste, a screen capture
//	r, err := qrimport.ReadText(pasted)           // otpauth://, steam://, otpauth-migration://
//
// Every QR code in the image is read, not just the first, including the
// hard cases of real screenshots: tiny modules in 4K and 5K screens, such
// screenshots shown at half size (modules of 1.3-2 pixels, found as small
// squares dense with edges and enlarged, even under a caption), HiDPI
// scaling, downscaled images, light-on-dark codes, transparent backgrounds,
// no quiet zone, JPEG artefacts, low contrast, blur, a mouse pointer over
// the code, slight rotation. scripts/qr-bench.sh measures this against
// ZXingReader and zbarimg on scenes made by scripts/gen-qr-scenes.sh.
//
// A sheet of hundreds of codes reads in time that grows with the number of
// codes (500 codes in a 2475x1980 image: under a second). Each image gets a
// Budget (DefaultBudget: 20 s, 4 GB of working pictures added up, 10,000
// finder patterns), and AddImageContext and AddFileContext stop when their
// context is done: a reading cut short keeps the codes read so far and puts
// a *StoppedError (ErrStopped) in Result.Problems, "stopped after 20.0 s:
// the image holds more codes than Latchkey reads at once; 312 read".
//
// The error is only for input that is unusable as a whole: a missing file,
// one too big (ErrTooLarge: the file size and the pixel count are checked
// before anything is decoded), not an image (ErrNotImage), or an image
// without any QR code (ErrNoQRCode). What the codes hold is in the Result:
//
//   - Keys: every account, Google Authenticator exports expanded, in
//     reading order (rows top to bottom, left to right).
//   - Problems: one error per code that held no usable key. A *ContentError
//     (wrapping ErrNotKey) says what it was instead ("this QR code holds a
//     web link, not an authenticator key"); a *KeyError names the account
//     whose otpauth URI is wrong; a *BatchError (wrapping
//     ErrIncompleteBatch) names the parts of an export batch not scanned;
//     ErrMD5 marks an exported account using MD5. No problem quotes a
//     secret or a whole URI.
//   - Raw: each code's text as decoded, for display with --raw. It holds
//     secrets: never log it.
//
// A Google Authenticator export split over several screenshots is checked
// as a whole by a Collector:
//
//	var c qrimport.Collector
//	for _, f := range files {
//		if err := c.AddFile(f); err != nil { ... }
//	}
//	r := c.Result()
//
// # Writing
//
//	png, err := qrimport.KeyPNG(key, 512)                        // one account
//	uris, skipped, err := qrimport.MigrationURIs(keys)           // Google export links
//	pngs, skipped, err := qrimport.MigrationPNGs(keys, 800)      // and their codes
//
// Export batches hold at most MaxBatchKeys accounts each. Google's app only
// computes SHA-1, 6- or 8-digit, 30-second TOTP and HOTP codes correctly;
// other keys come back in skipped, to be named to the user. Codes are
// 1-bit PNGs, about 2 ms each (a kit of 1,000 accounts in 2 s). Every code
// written is readable by zbarimg, ZXingReader and this package (tested).
//
// Decoding is safe to run from several goroutines at once; a Collector is
// not. Decoding panics inside the QR library are contained and reported as
// errors. The package uses up to two cores per image on big screenshots.
// PNG and BMP files are decoded straight to luminance, without the RGBA
// copy image.Decode makes.
package qrimport
