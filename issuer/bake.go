package issuer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image/png"
	"regexp"
	"strings"
)

// Baking puts a credential inside its badge image, as Open Badges 3.0 says: in a PNG, an
// uncompressed iTXt chunk with the keyword "openbadgecredential"; in an SVG, an
// <openbadges:credential> element of the namespace https://purl.imsglobal.org/ob/v3p0.

const pngKeyword = "openbadgecredential"

// Open Badges 2.0 baking, for older backpacks: a hosted assertion is baked as its URL, in an
// iTXt chunk with the keyword "openbadges" (PNG) or the verify attribute of an
// <openbadges:assertion> element of the namespace http://openbadges.org (SVG). The backpack
// fetches the assertion from that URL, and so learns of a revocation.
const pngKeywordOB2 = "openbadges"

// BakeOB2SVG returns the badge artwork with an OB 2.0 hosted assertion's URL inside.
func BakeOB2SVG(kind, title, assertionURL string) ([]byte, error) {
	return artSVG(kind, title, svgNamespaceOB2, `<openbadges:assertion verify="`+escapeXML(assertionURL)+`"></openbadges:assertion>`)
}

// BakeOB2PNG returns the badge artwork as a 512×512 PNG with an OB 2.0 hosted assertion's URL
// inside.
func BakeOB2PNG(kind, assertionURL string) ([]byte, error) {
	b, err := ArtPNGFile(kind, 512)
	if err != nil {
		return nil, err
	}
	return withITXt(b, pngKeywordOB2, assertionURL), nil
}

// BakeSVG returns the badge artwork with the credential (its JSON) inside.
func BakeSVG(kind, title, credential string) ([]byte, error) {
	// "]]>" cannot appear inside a CDATA section: it is split across two sections.
	cdata := "<![CDATA[" + strings.ReplaceAll(credential, "]]>", "]]]]><![CDATA[>") + "]]>"
	return ArtSVG(kind, title, "<openbadges:credential>"+cdata+"</openbadges:credential>")
}

// BakePNG returns the badge artwork as a 512×512 PNG with the credential in an iTXt chunk
// right after the header.
func BakePNG(kind, credential string) ([]byte, error) {
	b, err := ArtPNGFile(kind, 512)
	if err != nil {
		return nil, err
	}
	return withITXt(b, pngKeyword, credential), nil
}

// withITXt inserts an uncompressed iTXt chunk right after a PNG's header.
func withITXt(b []byte, keyword, text string) []byte {
	const ihdrEnd = 8 + 4 + 4 + 13 + 4 // signature, IHDR length, type, data, CRC
	// iTXt: keyword, NUL, compression flag 0, method 0, empty language tag and translated
	// keyword (each NUL-terminated), then the UTF-8 text.
	data := append([]byte(keyword), 0, 0, 0, 0, 0)
	data = append(data, text...)
	var chunk bytes.Buffer
	binary.Write(&chunk, binary.BigEndian, uint32(len(data)))
	chunk.WriteString("iTXt")
	chunk.Write(data)
	crc := crc32.NewIEEE()
	crc.Write([]byte("iTXt"))
	crc.Write(data)
	binary.Write(&chunk, binary.BigEndian, crc.Sum32())
	out := make([]byte, 0, len(b)+chunk.Len())
	out = append(out, b[:ihdrEnd]...)
	out = append(out, chunk.Bytes()...)
	return append(out, b[ihdrEnd:]...)
}

// ArtPNGFile is a badge's artwork as a size×size PNG file.
func ArtPNGFile(kind string, size int) ([]byte, error) {
	img, err := ArtPNG(kind, size)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ReadBakedPNG returns the credential baked into a PNG.
func ReadBakedPNG(b []byte) (string, error) { return ReadBakedPNGKeyword(b, pngKeyword) }

// ReadBakedPNGKeyword returns the text of a PNG's iTXt chunk of a keyword.
func ReadBakedPNGKeyword(b []byte, keyword string) (string, error) {
	if len(b) < 8 || string(b[1:4]) != "PNG" {
		return "", errors.New("not a PNG image")
	}
	for i := 8; i+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		if i+12+n > len(b) {
			break
		}
		data := b[i+8 : i+8+n]
		if typ == "iTXt" && bytes.HasPrefix(data, []byte(keyword+"\x00")) {
			rest := data[len(keyword)+1:]
			if len(rest) < 2 || rest[0] != 0 {
				return "", errors.New("the baked text is compressed")
			}
			rest = rest[2:]
			for k := 0; k < 2; k++ { // language tag, translated keyword
				j := bytes.IndexByte(rest, 0)
				if j < 0 {
					return "", errors.New("malformed iTXt chunk")
				}
				rest = rest[j+1:]
			}
			return string(rest), nil
		}
		i += 12 + n
	}
	return "", fmt.Errorf("no %s chunk in this PNG", keyword)
}

var bakedSVG = regexp.MustCompile(`(?s)<openbadges:credential>(.*?)</openbadges:credential>`)
var cdataSection = regexp.MustCompile(`(?s)<!\[CDATA\[(.*?)\]\]>`)

// ReadBakedSVG returns the credential baked into an SVG.
func ReadBakedSVG(b []byte) (string, error) {
	m := bakedSVG.FindSubmatch(b)
	if m == nil {
		return "", errors.New("no baked credential in this SVG")
	}
	var out strings.Builder
	for _, c := range cdataSection.FindAllSubmatch(m[1], -1) {
		out.Write(c[1])
	}
	return out.String(), nil
}
