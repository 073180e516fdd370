package views

import (
	"embed"
	"fmt"
	"html/template"
	texttemplate "text/template"
)

//go:embed mail/*.txt mail/*.html
var mailFiles embed.FS

// Mail holds the templates of the registry's e-mail: one plain-text and one HTML body, filled
// from the same view, so that both alternatives of a message say the same thing.
type Mail struct {
	Text *texttemplate.Template
	HTML *template.Template
}

// LoadMail parses the e-mail templates; a template that fails to parse is an error, so that
// the caller can refuse to start rather than fail on the first message.
func LoadMail() (*Mail, error) {
	txt, err := texttemplate.ParseFS(mailFiles, "mail/message.txt")
	if err != nil {
		return nil, fmt.Errorf("views: mail: %w", err)
	}
	html, err := template.ParseFS(mailFiles, "mail/message.html")
	if err != nil {
		return nil, fmt.Errorf("views: mail: %w", err)
	}
	return &Mail{Text: txt, HTML: html}, nil
}
