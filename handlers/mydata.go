package handlers

import (
	"archive/zip"
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"golang.org/x/time/rate"
)

// Download my data (GDPR articles 15 and 20): one ZIP, streamed, holding data.json (MyDataJSON)
// and each credential the person holds as its own JSON file, with a badge's PNG baked as
// /credentials/{id}.png serves it.

// myDataFile is the ZIP's name when saved.
const myDataFile = "open-recognition-registry-my-data.zip"

// credentialFiles names the ZIP's files of one credential: its JSON, and the baked PNG of a
// badge. An erased credential ({} since its hosted copy was withdrawn) has its record only.
func credentialFiles(c models.Credential) []string {
	if c.ErasedAt != nil {
		return nil
	}
	files := []string{"credentials/" + c.ID + ".json"}
	if _, badge := issuer.Achievements[c.Kind]; badge {
		files = append(files, "credentials/"+c.ID+".png")
	}
	return files
}

// downloadMyData answers a signed-in POST with the ZIP. Everything is read in one snapshot
// before the first byte is sent: a failure then still gets an error page, not half a file.
func (h *Handler) downloadMyData(c echo.Context) error {
	acc, err := requireAccount(c)
	if err != nil {
		return err
	}
	d, err := h.store.MyData(c.Request().Context(), acc.ID)
	if err != nil {
		return err
	}
	data := myDataJSON(d, h.cfg.BaseURL, h.store.Now())
	body, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return err
	}
	// The badges are baked before the stream starts, for the same reason.
	baked := map[string][]byte{}
	for _, cred := range d.Credentials {
		if files := credentialFiles(cred.Credential); len(files) == 2 {
			if baked[cred.ID], err = issuer.BakePNG(cred.Kind, cred.Document); err != nil {
				return err
			}
		}
	}
	h.log.Info("my data downloaded", "account", acc.PublicID)
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "application/zip")
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+myDataFile+`"`)
	res.Header().Set("Cache-Control", "no-store")
	res.WriteHeader(http.StatusOK)
	z := zip.NewWriter(res)
	put := func(name string, b []byte) error {
		w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: h.store.Now()})
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	if err := put("data.json", body); err != nil {
		return err
	}
	for _, cred := range d.Credentials {
		for _, f := range credentialFiles(cred.Credential) {
			b := []byte(cred.Document)
			if f[len(f)-4:] == ".png" {
				b = baked[cred.ID]
			}
			if err := put(f, b); err != nil {
				return err
			}
		}
	}
	return z.Close()
}

// myDataLimit lets each account download its data once a minute: a download reads everything
// about the person and bakes every badge. Counted per account, not per address, and on even when
// the general rate limits are off (tests, a private instance): it guards the database, not
// against floods. In memory, so per process; several servers each allow one a minute.
func (h *Handler) myDataLimit() echo.MiddlewareFunc {
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Every(time.Minute), Burst: 1, ExpiresIn: 2 * time.Minute,
		}),
		IdentifierExtractor: func(c echo.Context) (string, error) {
			if acc := account(c); acc != nil {
				return "account:" + acc.PublicID, nil
			}
			return clientKey(c.RealIP()), nil
		},
		DenyHandler: func(c echo.Context, id string, err error) error {
			c.Response().Header().Set("Retry-After", "60")
			return httpError(http.StatusTooManyRequests, "error.rate.download", "you downloaded your data less than a minute ago; wait a minute and try again")
		},
	})
}
