package totp

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math/rand"
	"strings"
	"testing"
)

const qrURI = "otpauth://totp/Amazon:ops@shop.example?secret=CANARYSEEDAAAAAAAAAAAAAAAAAAAAAA&issuer=Amazon&algorithm=SHA1&digits=6&period=30"

func mustEncodeQR(t testing.TB, text string, size int) []byte {
	t.Helper()
	b, err := EncodeQR(text, size)
	if err != nil {
		t.Fatalf("EncodeQR: %v", err)
	}
	return b
}

func decodePNG(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestQRRoundTripPNG(t *testing.T) {
	b := mustEncodeQR(t, qrURI, 300)
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatal("EncodeQR did not produce a PNG")
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width != 300 || cfg.Height != 300 {
		t.Fatalf("PNG is %dx%d (%v), want 300x300", cfg.Width, cfg.Height, err)
	}
	got, err := DecodeQR(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("DecodeQR: %v", err)
	}
	if got != qrURI {
		t.Fatalf("got %q, want %q", got, qrURI)
	}
	k, err := Parse(got)
	if err != nil || k.Issuer != "Amazon" || k.Secret != "CANARYSEEDAAAAAAAAAAAAAAAAAAAAAA" {
		t.Fatalf("Parse of the decoded text: %+v, %v", k, err)
	}
}

func TestQRRoundTripJPEG(t *testing.T) {
	img := decodePNG(t, mustEncodeQR(t, qrURI, 300))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeQR(&buf)
	if err != nil {
		t.Fatalf("DecodeQR of the JPEG: %v", err)
	}
	if got != qrURI {
		t.Fatalf("got %q, want %q", got, qrURI)
	}
}

// A screenshot: the code sits somewhere on a larger, coloured page.
func TestQRInScreenshot(t *testing.T) {
	qr := decodePNG(t, mustEncodeQR(t, qrURI, 240))
	page := image.NewRGBA(image.Rect(0, 0, 1280, 800))
	draw.Draw(page, page.Bounds(), &image.Uniform{color.RGBA{0xf3, 0xf6, 0xf9, 0xff}}, image.Point{}, draw.Src)
	draw.Draw(page, image.Rect(0, 0, 1280, 60), &image.Uniform{color.RGBA{0x23, 0x2f, 0x3e, 0xff}}, image.Point{}, draw.Src)
	draw.Draw(page, image.Rect(700, 300, 940, 540), qr, image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, page); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeQR(&buf)
	if err != nil || got != qrURI {
		t.Fatalf("got %q, %v", got, err)
	}
}

// Dark mode: light modules on a dark background.
func TestQRInverted(t *testing.T) {
	src := decodePNG(t, mustEncodeQR(t, qrURI, 300))
	b := src.Bounds()
	inv := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			inv.SetGray(x, y, color.Gray{255 - color.GrayModel.Convert(src.At(x, y)).(color.Gray).Y})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, inv); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeQR(&buf)
	if err != nil || got != qrURI {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestDecodeQRErrors(t *testing.T) {
	white := image.NewGray(image.Rect(0, 0, 400, 400))
	draw.Draw(white, white.Bounds(), image.White, image.Point{}, draw.Src)
	var whitePNG bytes.Buffer
	if err := png.Encode(&whitePNG, white); err != nil {
		t.Fatal(err)
	}
	random := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(random)

	good := mustEncodeQR(t, qrURI, 200)
	truncated := good[:len(good)/2]

	// A PNG header that claims 20000x10 pixels: refused before decoding.
	var hdr bytes.Buffer
	if err := png.Encode(&hdr, image.NewGray(image.Rect(0, 0, 10001, 1))); err != nil {
		t.Fatal(err)
	}

	// A GIF is an image, but not one DecodeQR takes.
	gif := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")

	tests := []struct {
		name  string
		input []byte
		is    error
		want  string
	}{
		{"blank white png", whitePNG.Bytes(), ErrNoQRCode, "no QR code found in the image"},
		{"random bytes", random, ErrNotImage, "not a PNG or JPEG image"},
		{"empty", nil, ErrNotImage, "not a PNG or JPEG image"},
		{"text", []byte(qrURI), ErrNotImage, "not a PNG or JPEG image"},
		{"gif", gif, ErrNotImage, "not a PNG or JPEG image"},
		{"truncated png", truncated, ErrNotImage, "damaged or incomplete"},
		{"too wide", hdr.Bytes(), ErrImageTooLarge, "10001x1 pixels"},
		{"too many bytes", make([]byte, MaxImageBytes+1), ErrImageTooLarge, "more than 20 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeQR(bytes.NewReader(tt.input))
			if err == nil {
				t.Fatalf("no error, got %q", got)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "CANARYSEED") {
				t.Errorf("error contains the secret: %v", err)
			}
		})
	}
}

// A header over the limits is refused without decoding the pixels: a
// 10000x10001 PNG of one colour is tiny on disk but would need 100 MB.
func TestDecodeQRRefusesHugeBeforeDecoding(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 10001))); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := DecodeQR(bytes.NewReader(buf.Bytes())); !errors.Is(err, ErrImageTooLarge) {
			t.Fatalf("got %v", err)
		}
	})
	t.Logf("allocations per refused image: %.0f", allocs)
}

func TestEncodeQRErrors(t *testing.T) {
	if _, err := EncodeQR("", 100); err == nil {
		t.Error("empty text: no error")
	}
	for _, size := range []int{0, -1, MaxQRSize + 1} {
		if _, err := EncodeQR("x", size); err == nil {
			t.Errorf("size %d: no error", size)
		}
	}
	big := strings.Repeat("CANARYSEED", 1000) // more than a QR code holds
	_, err := EncodeQR(big, 200)
	if err == nil {
		t.Fatal("10000 bytes: no error")
	}
	if strings.Contains(err.Error(), "CANARYSEED") {
		t.Errorf("error contains the text: %v", err)
	}
	// A size below the code's own size gives the smallest image.
	b, err := EncodeQR(qrURI, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := DecodeQR(bytes.NewReader(b)); err != nil || got != qrURI {
		t.Errorf("smallest image: %q, %v", got, err)
	}
}

func BenchmarkDecodeQRScreenshot(b *testing.B) {
	qr := decodePNG(b, mustEncodeQR(b, qrURI, 300))
	page := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	draw.Draw(page, page.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(page, image.Rect(800, 400, 1100, 700), qr, image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, page); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := DecodeQR(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Parse(qrURI); err != nil {
			b.Fatal(err)
		}
	}
}
