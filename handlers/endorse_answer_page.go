package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// answerView is the page an e-mail's accept or decline link lands on: the endorsement, and the
// one button that answers it.
type answerView struct {
	Answer  string
	Pending *pendingView
	// Tier is the member's own tier, named in the warning that declining may lower it.
	Tier string
}

// answerEndorsementPage shows one endorsement waiting for the member's answer with the button
// for the answer chosen in the e-mail. The link alone answers nothing: a mail scanner follows
// links, so the answer still takes the member's own signed-in POST.
func (h *Handler) answerEndorsementPage(c echo.Context) error {
	answer := c.Param("answer")
	if answer != "accept" && answer != "decline" {
		return echo.ErrNotFound
	}
	acc := account(c)
	if acc == nil {
		return loginFirst(c)
	}
	ctx := c.Request().Context()
	pending, err := h.store.PendingEndorsements(ctx, acc.ID)
	if err != nil {
		return err
	}
	v := answerView{Answer: answer}
	for _, p := range pending {
		if p.FromPublicID != c.Param("from") {
			continue
		}
		pv := pendingView{PendingEndorsement: p}
		if p.Comment != "" {
			pv.CommentHTML = h.md.HTML(p.Comment)
		}
		if answer == "decline" {
			// Say, as /account does, when declining may lower the member's own tier.
			mine, err := h.store.MySignatory(ctx, acc.ID)
			if err != nil {
				return err
			}
			if mine != nil && mine.Listed {
				carrying, err := h.store.DeclineStakes(ctx, mine)
				if err != nil {
					return err
				}
				pv.MayLower, v.Tier = carrying[p.FromPublicID], mine.Tier
			}
		}
		v.Pending = &pv
	}
	l := h.catalog.For(lang(c))
	return h.render(c, http.StatusOK, "endorsement_answer", l.T("answer.title."+answer), "account", v)
}
