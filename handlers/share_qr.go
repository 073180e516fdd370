package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"
)

// qrSize is the side of a QR code in pixels: large enough to print, small on the page.
const qrSize = 256

// credentialQR serves a QR code of a credential's verification page, for a printed certificate
// or a screen held up at a meeting. The page says whether the badge still holds; the code only
// leads there.
func (h *Handler) credentialQR(c echo.Context) error {
	id, ext, ok := credentialFile(c.Param("file"))
	if !ok || ext != "" {
		return echo.ErrNotFound
	}
	cred, err := h.store.CredentialByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if cred.ErasedAt != nil {
		return echo.ErrNotFound
	}
	body, err := qrcode.Encode(h.cfg.BaseURL+"/credentials/"+cred.ID, qrcode.Medium, qrSize)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, "image/png", body)
}
