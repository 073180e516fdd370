package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/trust"
)

// capacityRow is one line of a capacity table: members at Distance (and beyond, on the last
// line) can pass on Capacity.
type capacityRow struct {
	Distance, Capacity int
	Last               bool
}

type criteriaView struct {
	Slug, Name, Narrative string
	AchievementURL        string
	Table                 string // the table in force, "8, 4, 2, 1"
	Rows                  []capacityRow
	// Scaled: the table follows the size of the registry (no table configured); Size is the
	// number of members it was scaled to, 0 before the first computation.
	Scaled bool
	Size   int64
}

// achievementCriteria is the page an Advocate or Ambassador badge's criteria point at: the tier
// rule in plain words and the capacity table this registry computes with. The Signatory badge's
// criteria are the declaration.
func (h *Handler) achievementCriteria(c echo.Context) error {
	slug := c.Param("slug")
	if _, ok := issuer.Achievements[slug]; !ok {
		return echo.ErrNotFound
	}
	if slug == "signatory" {
		return c.Redirect(http.StatusFound, "/declaration")
	}
	l := h.catalog.For(lang(c))
	// The achievement is published in English; its page says the badge's name and criteria in the
	// reader's language.
	v := criteriaView{Slug: slug, Name: l.T("badge." + slug + ".name"), Narrative: l.T("badge." + slug + ".criteria"),
		AchievementURL: "/achievements/" + slug}
	caps := h.cfg.AdvocateCapacities
	if slug == "ambassador" {
		caps = h.cfg.AmbassadorCapacities
	}
	if len(caps) == 0 {
		// The schedule follows the registry: the one the latest computation used, or before the
		// first, the one it starts from.
		v.Scaled = true
		sched, err := h.store.TierSchedule(c.Request().Context())
		if err != nil {
			return err
		}
		caps, v.Size = trust.Capacities(0), 0
		if sched != nil {
			caps, v.Size = sched.Advocate, int64(sched.AdvocateSize)
			if slug == "ambassador" {
				caps, v.Size = sched.Ambassador, int64(sched.AmbassadorSize)
			}
		}
	}
	parts := make([]string, len(caps))
	for i, n := range caps {
		parts[i] = strconv.Itoa(n)
		v.Rows = append(v.Rows, capacityRow{Distance: i + 1, Capacity: n, Last: i == len(caps)-1})
	}
	v.Table = strings.Join(parts, ", ")
	title := l.T("criteria.title.advocate")
	if slug == "ambassador" {
		title = l.T("criteria.title.ambassador")
	}
	return h.render(c, http.StatusOK, "criteria", title, "", v)
}
