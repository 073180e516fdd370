package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
)

// What withdrawing a signature or an endorsement, or declining one, does to the person's badges
// and to the members whose tier may rest on them: said next to the button, before it is
// pressed, from the tiers as the last computation left them (models.WithdrawalStakes,
// models.DeclineStakes, models.MayCarry).

// withdrawalView words what withdrawing the entry sg revokes and whom it may affect.
func (h *Handler) withdrawalView(c echo.Context, l *i18n.Localizer, sg *models.Signatory) (*withdrawalView, error) {
	st, err := h.store.WithdrawalStakes(c.Request().Context(), sg)
	if err != nil {
		return nil, err
	}
	v := &withdrawalView{Badges: []string{l.T("account.withdraw_badge", l.T("tier.signatory"))}}
	if models.TierRank(st.Tier) > 0 {
		v.Badges = append(v.Badges, l.T("account.withdraw_badge", l.T("tier."+st.Tier)))
	}
	if st.Given > 0 {
		v.Badges = append(v.Badges, l.N("account.withdraw_given", st.Given))
	}
	if st.Received > 0 {
		v.Badges = append(v.Badges, l.N("account.withdraw_received", st.Received))
	}
	v.Others = l.T("account.withdraw_no_dependents")
	if st.Dependents > 0 {
		v.Others = l.N("account.withdraw_dependents", st.Dependents)
	}
	return v, nil
}

// weigh fills what withdrawing the endorsement shown would do: its credential is revoked if it
// was accepted, and the endorsee may lose a tier it may carry. mine is the endorser's entry, to
// the endorsee's; a founding Ambassador's tier rests on no endorsement.
func (ev *endorseView) weigh(mine, to *models.Signatory, founding bool) {
	if ev.Mine == nil {
		return
	}
	ev.Revokes = ev.Mine.Status == "accepted"
	ev.MayLower = !founding && ev.Mine.Status != "declined" && models.MayCarry(mine.Tier, to.Tier, ev.Mine.Level)
}
