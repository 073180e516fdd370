package issuer

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"testing"
)

func TestEncodeStatusList(t *testing.T) {
	enc, err := EncodeStatusList(131072, []int{0, 9, 131071})
	if err != nil {
		t.Fatal(err)
	}
	if enc[0] != 'u' {
		t.Fatalf("no multibase prefix: %q", enc[:5])
	}
	z, _ := base64.RawURLEncoding.DecodeString(enc[1:])
	r, _ := gzip.NewReader(bytes.NewReader(z))
	bits, _ := io.ReadAll(r)
	if len(bits) != 16384 || bits[0] != 0x80 || bits[1] != 0x40 || bits[16383] != 0x01 {
		t.Errorf("bitstring: %d bytes, first %08b %08b, last %08b", len(bits), bits[0], bits[1], bits[16383])
	}
	if _, err := EncodeStatusList(8, []int{8}); err == nil {
		t.Error("an index outside the list was accepted")
	}
}
