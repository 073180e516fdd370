package handlers

import (
	"bytes"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
)

// visitorPage serves a public page to visitors from memory. A visitor (nobody signed in) asking
// an address sees the same page as every other visitor asking it in the same language, so the
// page is rendered once per state of the registry and then served as the map is: gzipped, with
// an ETag, at the cost of a map lookup. A signed-in person's page carries their name and forms,
// and is rendered for them as before.
//
// The state is the database's change counter, read for each request, plus the summary's (the
// counts a page may show come from it, a moment behind): a write made here or by any other
// server is seen by the next request, and a page rendered before the summary caught up is
// rendered again once it has. While a crowd writes (many states a second), a page stands for
// the newer states for up to visitorPagesHold. key, when given, adds to the page's address what
// else the page depends on; ok false leaves the request uncached.
func (h *Handler) visitorPage(next echo.HandlerFunc, key func(echo.Context) (part string, ok bool)) echo.HandlerFunc {
	return h.kept(next, key)
}

// visitorProfile is visitorPage for a page that shows a signatory's badges: it is rendered again
// when one of their badges is signed, revoked or erased as well, and only then. Nobody else's
// badge changes it: while a backlog of badges is signed, the lists, the home page, the map and
// the profiles whose badges are not being signed stay as they are.
func (h *Handler) visitorProfile(next echo.HandlerFunc) echo.HandlerFunc {
	return h.kept(next, h.badgeState)
}

// badgeState is the key of a profile: the signatory's badges, read from the database the page
// itself is read from. On a replica behind the primary the page is not kept (replicaBehind), and
// on one that has caught up the state is the primary's.
func (h *Handler) badgeState(c echo.Context) (string, bool) {
	state, found, err := h.store.BadgeState(c.Request().Context(), c.Param("id"))
	// An unknown id or an error is answered by the handler itself, uncached.
	return state, found && err == nil
}

func (h *Handler) kept(next echo.HandlerFunc, key func(echo.Context) (part string, ok bool)) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodGet && r.Method != http.MethodHead || account(c) != nil || len(r.URL.RawQuery) > maxCachedQuery {
			return next(c)
		}
		if wroteRecently(c) {
			// Rendered for them from the primary: a kept page may be the one before their change
			// while another request renders the new one.
			return next(c)
		}
		k := lang(c) + "|" + r.URL.RequestURI()
		if key != nil {
			part, ok := key(c)
			if !ok {
				return next(c)
			}
			k += "|" + part
		}
		version, change, err := h.pageVersion(c)
		if errors.Is(err, errNoSummaryYet) {
			return next(c)
		}
		if err != nil {
			return err
		}
		var once *capturedResponse // a response that may not be kept (see keep)
		v, err := h.pages.get(version, k, func() (any, int, error) {
			resp, err := capture(c, next)
			if err != nil {
				return nil, 0, err
			}
			// Read from a replica that had not caught up with the primary: maybe an older
			// state than version says, so it is served this once and never kept.
			if !resp.keep() || replicaBehind(c, change) {
				once = resp
				return nil, 0, errNotKept
			}
			p := resp.page()
			return p, len(k) + p.body.size(), nil
		})
		if once != nil {
			return once.replay(c)
		}
		if err != nil {
			return err
		}
		p := v.(*cachedPage)
		hd := c.Response().Header()
		for name, values := range p.header {
			hd[name] = values
		}
		return p.body.serve(c, p.contentType)
	}
}

// visitorPagesHold is how much older than the registry a visitor's page may be while a crowd
// writes (mapCache.holdWhileBusy): rendering the list after every batch of signatures would
// take a core, and make the visitor whose request starts each render wait for it. The person
// who wrote sees their change at once all the same: their pages are rendered for them.
const visitorPagesHold = time.Second

// maxCachedQuery bounds the addresses kept: a longer query string is served but not remembered.
const maxCachedQuery = 512

// visitorPagesBytes bounds the memory of the visitors' pages: a few thousand pages.
const visitorPagesBytes = 128 << 20

var (
	errNotKept      = errors.New("response not kept")
	errNoSummaryYet = errors.New("the summary is being computed")
)

// pageVersion is the state of the registry a visitor's page is rendered from: the database's
// count of the registry's changes (ChangeCount) plus the summary's. Both only ever grow, so their
// sum grows with either; a page showing badges adds their state to its key (badgeState). change
// is PageCount, which also follows the badges, and which a replica is compared with. Both are
// the primary's, even for a request that reads from a replica: a replica's lag must never make
// an old page pass for the current one.
func (h *Handler) pageVersion(c echo.Context) (version, change int64, err error) {
	ctx := models.OnPrimary(c.Request().Context())
	sum, err := h.summary.Peek(ctx)
	if err != nil || sum == nil {
		// Right after the start the summary is not there yet: nothing is kept meanwhile, and
		// a page that does not show it does not wait for it.
		return 0, 0, errors.Join(err, errNoSummaryYet)
	}
	registry, page, err := h.store.Counts(ctx)
	if err != nil {
		return 0, 0, err
	}
	return registry + sum.Change, page, nil
}

// cachedPage is a visitor's page for one state of the registry.
type cachedPage struct {
	body        *cachedBody
	contentType string
	// header is what the page's handler set besides its body (a Link, a Content-Language).
	header http.Header
}

// capturedResponse is what a handler wrote.
type capturedResponse struct {
	status int
	header http.Header
	body   bytes.Buffer
}

func (w *capturedResponse) Header() http.Header { return w.header }
func (w *capturedResponse) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}
func (w *capturedResponse) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

// capture runs a handler with a response of its own, and returns what it wrote. An error it
// returns is returned untouched for the error handler to answer with the real response.
func capture(c echo.Context, next echo.HandlerFunc) (*capturedResponse, error) {
	w := &capturedResponse{header: http.Header{}}
	real := c.Response()
	c.SetResponse(echo.NewResponse(w, c.Echo()))
	defer c.SetResponse(real)
	if err := next(c); err != nil {
		return nil, err
	}
	return w, nil
}

// keep says whether a response is the same for every visitor: a full page, no cookie, not
// already compressed.
func (w *capturedResponse) keep() bool {
	return w.status == http.StatusOK && w.header.Get("Content-Type") != "" && len(w.header.Values("Set-Cookie")) == 0 &&
		w.header.Get("Content-Encoding") == "" && w.header.Get("Cache-Control") != "no-store"
}

func (w *capturedResponse) page() *cachedPage {
	p := &cachedPage{body: newCachedBody(w.body.Bytes(), true), contentType: w.header.Get("Content-Type"), header: http.Header{}}
	for name, values := range w.header {
		switch name {
		case "Content-Type", "Content-Length", "Etag", "Cache-Control", "Vary":
		default:
			p.header[name] = values
		}
	}
	return p
}

// replay writes a captured response as it was.
func (w *capturedResponse) replay(c echo.Context) error {
	hd := c.Response().Header()
	for name, values := range w.header {
		hd[name] = append(hd[name], values...)
	}
	c.Response().WriteHeader(w.status)
	_, err := c.Response().Write(w.body.Bytes())
	return err
}
