package handlers_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
)

func newRequest(method, path string, body io.Reader) *http.Request {
	r := httptest.NewRequest(method, path, body)
	r.RemoteAddr = "192.0.2.10:5555"
	return r
}

func serve(a *app, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	a.e.ServeHTTP(rec, r)
	return rec
}

func netParseCIDR(s string) (net.IP, []*net.IPNet, error) {
	ip, n, err := net.ParseCIDR(s)
	return ip, []*net.IPNet{n}, err
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
