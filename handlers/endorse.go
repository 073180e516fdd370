package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
)

// endorse records or changes the signed-in signatory's endorsement of the profile's signatory.
func (h *Handler) endorse(c echo.Context) error {
	acc, err := requireAccount(c)
	if err != nil {
		return err
	}
	id := c.Param("id")
	if _, err := h.store.Endorse(c.Request().Context(), acc, id, c.FormValue("level"), c.FormValue("comment")); err != nil {
		return err
	}
	h.wake() // the endorsee's notification is to be mailed
	return c.Redirect(http.StatusSeeOther, "/signatories/"+id+"?endorsed=1#endorse")
}

// unendorse withdraws it.
func (h *Handler) unendorse(c echo.Context) error {
	acc, err := requireAccount(c)
	if err != nil {
		return err
	}
	id := c.Param("id")
	if err := h.store.WithdrawEndorsement(c.Request().Context(), acc, id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/signatories/"+id+"#endorse")
}

// answerEndorsement accepts or declines an endorsement received.
func (h *Handler) answerEndorsement(c echo.Context) error {
	acc, err := requireAccount(c)
	if err != nil {
		return err
	}
	answer := c.Param("answer")
	if answer != "accept" && answer != "decline" {
		return echo.ErrNotFound
	}
	if err := h.store.AnswerEndorsement(c.Request().Context(), acc, c.Param("from"), answer == "accept"); err != nil {
		return err
	}
	h.wake() // the endorser's notification is to be mailed, an accepted endorsement's credential issued
	return c.Redirect(http.StatusSeeOther, "/account#endorsements")
}

// endorseView is the endorsement form on a profile.
type endorseView struct {
	Mine    *models.Endorsement
	Levels  []string
	Saved   bool
	MaxText int
	// Revokes and MayLower say, next to "Withdraw my endorsement", that its credential goes and
	// that the endorsee may lose their tier (notices_warnings.go).
	Revokes, MayLower bool
}
