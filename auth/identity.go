package auth

import (
	"github.com/markbates/goth"
	"github.com/open-recognition/registry/models"
)

// Identity turns what a provider returned into the registry's login identity. An e-mail counts
// as verified only when the provider says so (the OpenID email_verified claim); GitHub hands out
// only addresses its users have verified.
func Identity(provider string, u goth.User) models.LoginIdentity {
	id := models.LoginIdentity{Provider: provider, Subject: u.UserID, Email: u.Email, Name: u.Name}
	if id.Name == "" {
		id.Name = u.NickName
	}
	switch v := u.RawData["email_verified"].(type) {
	case bool:
		id.EmailVerified = v
	case string:
		id.EmailVerified = v == "true"
	}
	if provider == "github" && u.Email != "" {
		id.EmailVerified = true
	}
	return id
}
