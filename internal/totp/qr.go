package totp

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // screenshots and phone photos
	"image/png"
	"io"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Limits on the images DecodeQR reads, checked before the pixels are
// decoded.
const (
	MaxImageBytes  = 20 << 20 // 20 MB
	MaxImagePixels = 10000    // width and height each
	// MaxImageArea bounds the pixels decoded (40 megapixels: an 8K
	// screenshot or a phone photo), so a small, highly compressed file
	// cannot cost seconds and a gigabyte.
	MaxImageArea = 40_000_000
	MaxQRSize    = 4096 // EncodeQR's largest size, in pixels
)

// Errors of DecodeQR, to test with errors.Is.
var (
	ErrNotImage      = errors.New("not a PNG or JPEG image")
	ErrImageTooLarge = errors.New("the image is too large")
	ErrNoQRCode      = errors.New("no QR code found in the image")
	ErrUnreadableQR  = errors.New("a QR code was found but could not be read; take a sharper screenshot of the whole code")
)

// DecodeQR reads a PNG or JPEG image (a screenshot of the marketplace's
// QR code), decodes the QR code in it and returns its text, expected to be
// an otpauth URI for Parse. The text holds the secret: the caller must
// treat it like the secret. Images over MaxImageBytes, or wider or higher
// than MaxImagePixels, are refused before their pixels are decoded.
func DecodeQR(r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImageBytes+1))
	if err != nil {
		return "", fmt.Errorf("read image: %w", err)
	}
	if len(data) > MaxImageBytes {
		return "", fmt.Errorf("%w: more than %d MB", ErrImageTooLarge, MaxImageBytes>>20)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "png" && format != "jpeg") {
		return "", ErrNotImage
	}
	if cfg.Width > MaxImagePixels || cfg.Height > MaxImagePixels || cfg.Width*cfg.Height > MaxImageArea {
		return "", fmt.Errorf("%w: %dx%d pixels, at most %dx%d and %d megapixels", ErrImageTooLarge,
			cfg.Width, cfg.Height, MaxImagePixels, MaxImagePixels, MaxImageArea/1_000_000)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return "", ErrNoQRCode
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		// The header was fine, the pixel data is not (a truncated file).
		return "", fmt.Errorf("%w: the %s image is damaged or incomplete", ErrNotImage, format)
	}
	return decodeImage(img)
}

// decodeImage looks for a QR code as it is, then as light on dark (a
// screenshot in dark mode).
func decodeImage(img image.Image) (text string, err error) {
	// gozxing is a port of Java code that signals some malformed input by
	// indexing out of range; an image is untrusted input, so a panic in
	// the decoder is an unreadable code, not a crash.
	defer func() {
		if recover() != nil {
			text, err = "", ErrUnreadableQR
		}
	}()
	src := gozxing.NewLuminanceSourceFromImage(img)
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	found := false
	for _, s := range []gozxing.LuminanceSource{src, gozxing.NewInvertedLuminanceSource(src)} {
		bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(s))
		if err != nil {
			continue
		}
		res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
		if err == nil {
			return res.GetText(), nil
		}
		var nf gozxing.NotFoundException
		if !errors.As(err, &nf) {
			found = true // located, but format or checksum errors
		}
	}
	if found {
		return "", ErrUnreadableQR
	}
	return "", ErrNoQRCode
}

// EncodeQR renders text as a size x size PNG QR code (error correction
// level M, with the standard quiet zone of 4 modules), for tests and the
// demo. If size is too small for one pixel per module, the image is as
// large as the code needs.
func EncodeQR(text string, size int) ([]byte, error) {
	if text == "" {
		return nil, errors.New("encode qr code: nothing to encode")
	}
	if size <= 0 || size > MaxQRSize {
		return nil, fmt.Errorf("encode qr code: size %d out of range 1..%d", size, MaxQRSize)
	}
	hints := map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_ERROR_CORRECTION: "M"}
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, size, size, hints)
	if err != nil {
		// The writer's errors do not quote the text, but text is often a
		// secret: only the fact is reported.
		return nil, errors.New("encode qr code: the text does not fit in a QR code")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		return nil, fmt.Errorf("encode qr code: %w", err)
	}
	return buf.Bytes(), nil
}
