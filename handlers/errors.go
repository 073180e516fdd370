package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
)

// statusOf maps domain codes to HTTP status: the one place where this happens.
var statusOf = map[string]int{
	models.EINVALID:   http.StatusBadRequest,
	models.ENOTFOUND:  http.StatusNotFound,
	models.EGONE:      http.StatusGone,
	models.ECONFLICT:  http.StatusConflict,
	models.EFORBIDDEN: http.StatusForbidden,
	models.EINTERNAL:  http.StatusInternalServerError,
}

var codeOf = map[int]string{
	http.StatusBadRequest:            models.EINVALID,
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              models.ENOTFOUND,
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusConflict:              models.ECONFLICT,
	http.StatusGone:                  models.EGONE,
	http.StatusRequestEntityTooLarge: "too_large",
	http.StatusTooManyRequests:       "rate_limited",
	http.StatusServiceUnavailable:    "unavailable",
}

type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

type errorPage struct {
	Status  int
	Title   string
	Message string
}

// words is the message of an HTTP error a person can meet on a page: English as written for
// the API and the logs (its String), and the catalogue key, with its arguments, that says it
// in the page's language.
type words struct {
	key     string
	args    []any
	english string
}

func (w words) String() string { return w.english }

// httpError is an echo.HTTPError whose message the error page says in the reader's language.
func httpError(status int, key, english string, args ...any) *echo.HTTPError {
	return echo.NewHTTPError(status, words{key: key, args: args, english: english})
}

// errorWords says a domain error on a page in the reader's language when the catalogue has its
// words, else as written.
func errorWords(l *i18n.Localizer, err error) string {
	var de *models.Error
	if errors.As(models.Check(err), &de) && de.Key != "" {
		return l.T(de.Key, de.Args...)
	}
	return models.ErrorMessage(err)
}

// handleError is the one error handler: JSON under /api/ and for .json addresses (/map.json), an
// HTML page elsewhere. Internal errors are logged and never shown. The JSON answer and the logs
// say a message in English; the page says it in the reader's language.
func (h *Handler) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	// A lookup that found nothing, or a value the database could not hold, is the caller's
	// mistake wherever it was raised: 404 or 400, never a 500 showing a database message.
	err = models.Check(err)
	status := http.StatusInternalServerError
	body := apiErrorBody{Code: models.EINTERNAL, Message: "internal error"}
	var said words // the catalogue's words for the message, when it has them
	var de *models.Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &de):
		status = statusOf[de.Code]
		if status == 0 {
			status = http.StatusInternalServerError
		}
		body = apiErrorBody{Code: de.Code, Message: de.Message, Field: de.Field}
		said = words{key: de.Key, args: de.Args}
	case errors.As(err, &he):
		status = he.Code
		body.Code = codeOf[status]
		if body.Code == "" {
			body.Code = strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))
		}
		body.Message = fmt.Sprint(he.Message)
		if status == http.StatusNotFound {
			body.Message = "no such page or resource"
		}
		said, _ = he.Message.(words)
	}
	if status >= 500 {
		h.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		body.Code, body.Message, body.Field = models.EINTERNAL, "internal error", ""
		if he == nil {
			said = words{}
		}
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if p := c.Request().URL.Path; strings.HasPrefix(p, "/api/") || strings.HasSuffix(p, ".json") || p == "/places" {
		_ = c.JSON(status, apiError{Error: body})
		return
	}
	l := h.catalog.For(lang(c))
	title := l.T(fmt.Sprintf("error.%d.title", status))
	if strings.HasPrefix(title, "error.") {
		title = http.StatusText(status)
	}
	msg := l.T(fmt.Sprintf("error.%d.text", status))
	if strings.HasPrefix(msg, "error.") {
		msg = ""
	}
	switch {
	case said.key != "":
		// Say what happened (an expired login, a blocked account), not only that it did.
		msg = l.T(said.key, said.args...)
	case status == http.StatusBadRequest && body.Field != "":
		// Name the parameter; what validation says of it is in English only.
		msg = l.T("error.field", body.Field)
	case status == http.StatusUnauthorized, status == http.StatusForbidden, status == http.StatusConflict,
		status == http.StatusBadGateway, status == http.StatusServiceUnavailable:
		// A message the catalogue has no words for is still better than none.
		if body.Message != "" && status < 500 || he != nil {
			msg = body.Message
		}
	}
	if rerr := h.render(c, status, "error", title, "", errorPage{Status: status, Title: title, Message: msg}); rerr != nil {
		h.log.Error("error page failed", "err", rerr)
		_ = c.String(status, title)
	}
}
