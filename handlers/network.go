package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
)

// networkView is /account/network: the endorsements the member gave and received, and whom
// their endorsements lifted. Each list is a page of models.NetworkPage, with a link to the next.
type networkView struct {
	Entry *models.Signatory
	Given []givenView
	// Received are endorsements received with their recorded steps.
	Received []receivedView
	// Lifted are the members the latest computation lifted through this member's endorsement.
	Lifted []models.NetworkEndorsement
	// LiftUnknown: no computation has finished yet, so nobody can be said to be lifted.
	LiftUnknown bool
	// GivenMore, ReceivedMore and LiftedMore link to the next page of each list ("" at the end).
	GivenMore, ReceivedMore, LiftedMore string
}

// givenView is an endorsement the member gave, with what withdrawing it would do.
type givenView struct {
	models.NetworkEndorsement
	// Revokes and MayLower are the profile's warnings (notices_warnings.go, endorseView.weigh).
	Revokes, MayLower bool
	// OtherLevel is the level the change-level button switches to.
	OtherLevel string
}

type receivedView struct {
	models.NetworkEndorsement
	History []models.EndorsementEvent
}

// networkPage shows the member's network; a visitor logs in and comes back here.
func (h *Handler) networkPage(c echo.Context) error {
	acc := account(c)
	if acc == nil {
		return loginFirst(c)
	}
	ctx := c.Request().Context()
	l := h.catalog.For(lang(c))
	mine, err := h.store.MySignatory(ctx, acc.ID)
	if err != nil {
		return err
	}
	v := networkView{Entry: mine}
	if mine != nil {
		if err := h.fillNetwork(c, mine, &v); err != nil {
			return err
		}
	}
	return h.render(c, http.StatusOK, "network", l.T("network.title"), "account", v)
}

func (h *Handler) fillNetwork(c echo.Context, mine *models.Signatory, v *networkView) error {
	ctx := c.Request().Context()
	given, err := h.store.EndorsementsGiven(ctx, mine.ID, cursor(c, "given"))
	if err != nil {
		return err
	}
	for _, e := range given {
		gv := givenView{NetworkEndorsement: e, OtherLevel: "ambassador"}
		if e.Level == "ambassador" {
			gv.OtherLevel = "advocate"
		}
		ev := endorseView{Mine: &models.Endorsement{Level: e.Level, Status: e.Status}}
		ev.weigh(mine, &models.Signatory{Tier: e.OtherTier}, e.OtherSeed)
		gv.Revokes, gv.MayLower = ev.Revokes, ev.MayLower && e.OtherListed
		v.Given = append(v.Given, gv)
	}
	v.GivenMore = nextPage("given", given)

	received, err := h.store.EndorsementsReceived(ctx, mine.ID, cursor(c, "received"))
	if err != nil {
		return err
	}
	from := make([]string, len(received))
	for i, e := range received {
		from[i] = e.OtherPublicID
	}
	history, err := h.store.ReceivedHistory(ctx, mine, from)
	if err != nil {
		return err
	}
	for _, e := range received {
		v.Received = append(v.Received, receivedView{NetworkEndorsement: e, History: history[e.OtherPublicID]})
	}
	v.ReceivedMore = nextPage("received", received)

	candidates, err := h.store.LiftCandidates(ctx, mine, cursor(c, "lifted"))
	if err != nil {
		return err
	}
	v.Lifted, v.LiftUnknown, err = h.lifted(ctx, mine.PublicID, candidates)
	if err != nil {
		return err
	}
	v.LiftedMore = nextPage("lifted", candidates)
	return nil
}

// lifted keeps, among the endorsees whose tier the member's endorsement may carry
// (models.MayCarry, as SQL), those the latest computation lifted through it: the member is the
// last step before them on the path of trust in the run that gives their tier. The explainer,
// not MayCarry alone: MayCarry says "may" from the stored tiers, while the path is what the
// computation actually went through, so "helped lift" is said only where it is true. The
// explainer reads the computation in memory, so asking it for a page of candidates is cheap; a
// page may then show fewer than models.NetworkPage members, and its "more" link goes on from the
// last candidate read.
func (h *Handler) lifted(ctx context.Context, me string, candidates []models.NetworkEndorsement) ([]models.NetworkEndorsement, bool, error) {
	if len(candidates) == 0 {
		return nil, false, nil
	}
	if h.explainer == nil {
		return nil, true, nil
	}
	var out []models.NetworkEndorsement
	for _, e := range candidates {
		exp, err := h.explainer.Explain(ctx, e.OtherPublicID)
		if errors.Is(err, ErrTiersNotComputed) {
			return nil, true, nil
		}
		if err != nil {
			return nil, false, err
		}
		run := exp.Advocate
		if exp.Tier == "ambassador" {
			run = exp.Ambassador
		}
		if exp.Missing || models.TierRank(exp.Tier) < 1 || !run.Accepted {
			continue
		}
		if p := run.Path; len(p) >= 2 && p[len(p)-2] == me && p[len(p)-1] == e.OtherPublicID {
			out = append(out, e)
		}
	}
	return out, false, nil
}

// cursor reads a list's keyset cursor: the id the page starts before.
func cursor(c echo.Context, name string) int64 {
	n, err := strconv.ParseInt(c.QueryParam(name), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// nextPage links to the page after a full one.
func nextPage(name string, page []models.NetworkEndorsement) string {
	if len(page) < models.NetworkPage {
		return ""
	}
	return "/account/network?" + name + "=" + strconv.FormatInt(page[len(page)-1].ID, 10) + "#" + name
}
