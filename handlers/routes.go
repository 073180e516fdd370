package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/mail"
)

// readable are the methods of every public page: HEAD too, for monitors and link checkers (the
// server sends no body for it).
var readable = []string{http.MethodGet, http.MethodHead}

// routes is the whole URL map of the registry.
func (h *Handler) routes(e *echo.Echo) {
	e.Match(readable, "/", h.visitorPage(h.home, nil))
	e.Match(readable, "/declaration", h.visitorPage(h.declaration, nil))
	e.Match(readable, "/declaration/:version", h.visitorPage(h.declarationVersion, nil))
	e.Match(readable, "/signatories", h.visitorPage(h.signatoriesList, nil))
	e.Match(readable, "/signatories.atom", h.signatoriesFeed)
	e.Match(readable, "/signatories/:id", h.visitorProfile(h.signatoryShow))
	e.Match(readable, "/signatories/:id/trust", h.visitorPage(h.signatoryTrust, h.explainedBy))
	e.Match(readable, "/signatories/:id/graph.svg", h.trustGraph)
	e.Match(readable, "/signatories/:id/did.json", h.signatoryDID)
	e.Match(readable, "/signatories/:id/embed", h.embedPage)
	e.Match(readable, "/signatories/:id/embed.svg", h.embedImage)
	e.Match(readable, "/embed/count.svg", h.countImage)
	e.Match(readable, "/signatories/:id/status", h.endorserStatusList)
	e.Match(readable, "/signatories/:id/endorsements/:from", h.endorsementCredential)
	e.Match(readable, "/signatories/:id/share.png", h.shareImageProfile)
	e.Match(readable, "/map", h.mapPage)
	e.Match(readable, "/map.json", h.mapData)
	e.Match(readable, "/places", h.placeSuggestions)
	e.Match(readable, "/healthz", h.healthz)
	e.Match(readable, "/readyz", h.readyz)
	if h.cfg.MetricsToken != "" && h.metrics != nil {
		e.GET("/metrics", h.metricsPage())
	}
	e.Match(readable, "/.well-known/did.json", h.didDocument)
	e.Match(readable, "/credentials/:file", h.credential)
	e.Match(readable, "/credentials/:file/share.png", h.shareImageCredential)
	e.Match(readable, "/credentials/:file/qr.png", h.credentialQR)
	e.Match(readable, "/share.png", h.shareImageHome)
	e.Match(readable, "/achievements/:slug", h.visitorPage(h.achievement, nil))
	e.Match(readable, "/achievements/:slug/criteria", h.visitorPage(h.achievementCriteria, nil))
	e.Match(readable, "/issuer.png", h.issuerImage)
	e.Match(readable, "/status/:list", h.statusList)
	e.Match(readable, "/ob2/issuer", h.ob2Issuer)
	e.Match(readable, "/ob2/badges/:slug", h.ob2Badge)
	e.Match(readable, "/ob2/assertions/:id", h.ob2Assertion)
	e.Match(readable, "/assets/:hash/*", h.asset)

	e.Match(readable, "/login", h.login)
	limited := h.formLimit()
	e.Match(readable, mail.UnsubscribePath, h.unsubscribePage)
	e.POST(mail.UnsubscribePath, h.unsubscribe, limited)
	e.POST("/auth/dev", h.devLogin, limited)
	e.POST("/auth/:provider", h.authBegin, limited)
	e.GET("/auth/:provider/callback", h.authCallback, limited)
	e.POST("/logout", h.logout)
	e.GET("/sign", h.signPage)
	e.POST("/sign", h.sign, limited)
	e.GET("/sign/thanks", h.signThanks)
	e.GET("/account", h.accountPage)
	e.GET("/account/network", h.networkPage)
	e.POST("/account/data", h.downloadMyData, h.myDataLimit())
	e.POST("/account/identities/detach", h.detachIdentity)
	e.POST("/account/entry", h.updateEntry)
	e.POST("/account/withdraw", h.withdraw)
	e.POST("/account/delete", h.deleteAccount)
	e.GET("/account/endorsements/:from/:answer", h.answerEndorsementPage)
	e.POST("/account/endorsements/:from/:answer", h.answerEndorsement)
	e.POST("/account/mail", h.saveMailSettings)
	e.POST("/account/notices/read", h.dismissNotice)
	e.POST("/account/notifications/read", h.markAllRead)
	e.POST("/signatories/:id/endorse", h.endorse, limited)
	e.POST("/signatories/:id/endorse/withdraw", h.unendorse)
	e.GET("/admin", h.adminPage)
	e.POST("/admin/declarations", h.adminPublish)
	e.POST("/admin/jobs/:id/:action", h.adminJobAction)
	e.POST("/admin/:kind/:id/:action", h.adminAction)

	api := e.Group("/api/v1")
	api.Match(readable, "/signatories", h.visitorPage(h.apiSignatoriesList, nil))
	api.Match(readable, "/signatories/:id", h.visitorProfile(h.apiSignatoryShow))
	api.Match(readable, "/stats", h.visitorPage(h.apiStats, nil))
	api.Match(readable, "/graph", h.apiGraph)
}
