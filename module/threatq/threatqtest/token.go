package threatqtest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// tokenResponse is the body of a successful POST /api/token, in the field
// order of Elastic's mock.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

// serveToken answers POST /api/token (client-credentials grant).
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.TokenRequests++
	s.mu.Unlock()
	if s.applyFault(w, r, EndpointToken, "") {
		return
	}
	// ParseForm merges the query string and an urlencoded body, so the
	// grant type may be in either, as with Elastic's mock.
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	switch r.Form.Get("grant_type") {
	case "client_credentials":
	case "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request")
		return
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	if !s.validClient(r) {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client")
		return
	}
	access := s.IssueToken()
	body, err := json.Marshal(tokenResponse{
		AccessToken:  access,
		TokenType:    "Bearer",
		ExpiresIn:    int64(s.opts.TokenTTL.Seconds()),
		RefreshToken: rand.Text(),
	})
	if err != nil { // cannot happen: only strings and an integer
		writeErrors(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeBody(w, http.StatusOK, "application/json", body)
}

// validClient checks the client credentials: HTTP Basic first, else the
// client_id and client_secret form fields.
func (s *Server) validClient(r *http.Request) bool {
	if id, secret, ok := r.BasicAuth(); ok {
		if s.credentialsMatch(id, secret) {
			return true
		}
		// RFC 6749 §2.3.1 form-encodes both before Basic encoding, and so
		// does golang.org/x/oauth2.
		uid, err1 := url.QueryUnescape(id)
		usecret, err2 := url.QueryUnescape(secret)
		return err1 == nil && err2 == nil && s.credentialsMatch(uid, usecret)
	}
	return s.credentialsMatch(r.Form.Get("client_id"), r.Form.Get("client_secret"))
}

func (s *Server) credentialsMatch(id, secret string) bool {
	idOK := subtle.ConstantTimeCompare([]byte(id), []byte(s.opts.ClientID))
	secretOK := subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.ClientSecret))
	return idOK&secretOK == 1
}

// IssueToken issues an access token as the token endpoint would, without a
// request (and without counting one in Stats).
func (s *Server) IssueToken() string {
	token := rand.Text()
	expiry := s.opts.Now().Add(s.opts.TokenTTL)
	s.mu.Lock()
	s.tokens[token] = expiry
	s.issued = append(s.issued, token)
	s.stats.TokensIssued++
	s.mu.Unlock()
	return token
}

// IssuedTokens returns every access token issued so far, revoked or not,
// so that tests can check that none of them leaked.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// RevokeTokens invalidates every token issued so far: the next API call
// made with one of them is answered 401.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	clear(s.tokens)
	s.mu.Unlock()
}

// authorized reports whether r carries "Authorization: Bearer <token>" with
// a token that was issued, not revoked, and has not expired at Options.Now().
func (s *Server) authorized(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	token = strings.TrimSpace(token)
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	expiry, ok := s.tokens[token]
	return ok && now.Before(expiry)
}

// writeOAuthError writes an RFC 6749 §5.2 error body.
func writeOAuthError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, status, "application/json", []byte(`{"error":"`+code+`"}`))
}
