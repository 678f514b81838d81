package api

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/api/auth"
)

const (
	localRequestID = "requestid"
	localActor     = "actor"
	sessionCookie  = "phusong_session"
	csrfHeader     = "X-CSRF-Token"
)

var errTooManyLogins = phusong.Errorf(phusong.ErrRateLimited, "too_many_attempts",
	"Quá nhiều lần đăng nhập từ địa chỉ này. Hãy thử lại sau một phút.",
	"Too many login attempts from this address. Try again in a minute.")

var errCSRF = phusong.Errorf(phusong.ErrForbidden, "csrf_token_invalid",
	"Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token). Hãy tải lại trang và thử lại.",
	"Missing or wrong anti-forgery token (X-CSRF-Token). Reload the page and try again.")

var errForbidden = phusong.Errorf(phusong.ErrForbidden, "forbidden",
	"Tài khoản của bạn không có quyền làm việc này.", "Your account may not do this.")

var errLoginRequired = phusong.Errorf(phusong.ErrUnauthorized, "login_required",
	"Hãy đăng nhập (hoặc gửi mã truy cập API trong tiêu đề Authorization: Bearer …).",
	"Log in first (or send an API token as Authorization: Bearer …).")

// requestLog writes one line per request: request id, user, role, method,
// route, status and duration.
func (h *handler) requestLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		// The error handler has not run yet; it will set this status.
		status, _, _, _ = statusOf(err)
	}
	attrs := []any{
		"request_id", c.Locals(localRequestID),
		"method", c.Method(),
		"route", c.Route().Path,
		"path", c.Path(),
		"status", status,
		"duration_ms", float64(time.Since(start).Microseconds()) / 1000,
		"client", c.IP(),
	}
	if a, ok := c.Locals(localActor).(phusong.Actor); ok {
		attrs = append(attrs, "user", a.Username, "role", string(a.Role))
	}
	h.d.Log.Info("request", attrs...)
	return err
}

func (h *handler) logPanic(c *fiber.Ctx, e any) {
	h.d.Log.Error("panic in handler", "request_id", c.Locals(localRequestID), "path", c.Path(), "panic", fmt.Sprint(e))
}

// guard is the one authorization mechanism: it authenticates the caller
// (session cookie or API token), checks the route's policy, checks the
// CSRF token of state-changing requests made with a session cookie, and
// gives the handler a context carrying the actor and a deadline. Handlers
// and stores get the actor only from that context, so a route that somehow
// skipped guard has no actor, and every store refuses an anonymous caller.
func (h *handler) guard(p auth.Policy) fiber.Handler {
	return func(c *fiber.Ctx) error {
		rid, _ := c.Locals(localRequestID).(string)
		anon := phusong.Actor{RequestID: rid, ClientAddr: c.IP()}
		ctx, cancel := context.WithTimeout(context.Background(), h.d.RequestTimeout)
		defer cancel()
		a, cred, csrf, err := h.authenticate(phusong.WithActor(ctx, anon), c)
		viaSession := err == nil && a.UserID != 0 && !cred.Token
		if err != nil && !p.Public {
			return err
		}
		var actor *phusong.Actor
		if err == nil && a.UserID != 0 {
			a.RequestID, a.ClientAddr = rid, anon.ClientAddr
			actor = &a
		}
		if !p.Admits(actor) {
			if actor == nil {
				return errLoginRequired
			}
			return errForbidden
		}
		if actor != nil && viaSession && !safeMethod(c.Method()) {
			got := c.Get(csrfHeader)
			if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(csrf)) != 1 {
				return errCSRF
			}
		}
		if actor != nil {
			c.Locals(localActor, *actor)
			ctx = auth.WithCredential(phusong.WithActor(ctx, *actor), cred)
		} else if p.Public {
			ctx = phusong.WithActor(ctx, anon)
		}
		c.SetUserContext(ctx)
		return c.Next()
	}
}

func safeMethod(m string) bool { return m == "GET" || m == "HEAD" || m == "OPTIONS" }

// authenticate finds the caller and how they authenticated: an API token
// (Authorization: Bearer) wins over a session cookie. No credentials at
// all is not an error: it returns a zero actor.
func (h *handler) authenticate(ctx context.Context, c *fiber.Ctx) (a phusong.Actor, cred auth.Credential, csrf string, err error) {
	if authz := c.Get(fiber.HeaderAuthorization); authz != "" {
		scheme, token, _ := strings.Cut(authz, " ")
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			return a, cred, "", errLoginRequired
		}
		a, cred, err = h.d.Auth.TokenActor(ctx, strings.TrimSpace(token))
		return a, cred, "", err
	}
	if tok := c.Cookies(sessionCookie); tok != "" {
		a, csrf, err = h.d.Auth.SessionActor(ctx, tok)
		return a, cred, csrf, err
	}
	return a, cred, "", nil
}

// actorOf returns the authenticated actor of the request.
func actorOf(c *fiber.Ctx) (phusong.Actor, error) {
	a, ok := c.Locals(localActor).(phusong.Actor)
	if !ok {
		return phusong.Actor{}, errLoginRequired
	}
	return a, nil
}

// decodeJSON decodes a JSON body into v strictly: the content type must be
// JSON (415), the body one well-formed object (400) with no unknown
// fields (400).
func decodeJSON(c *fiber.Ctx, v any) error {
	ct := strings.ToLower(strings.TrimSpace(strings.Split(c.Get(fiber.HeaderContentType), ";")[0]))
	if ct != fiber.MIMEApplicationJSON {
		return phusong.Invalid("unsupported_media_type",
			"Nội dung phải là JSON (Content-Type: application/json).",
			"The body must be JSON (Content-Type: application/json).")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return phusong.Invalid("malformed_json", "Nội dung JSON có dữ liệu thừa sau đối tượng chính.",
			"The JSON body has extra data after the main object.")
	}
	return nil
}

func jsonProblem(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return phusong.Invalid("malformed_json", "Nội dung JSON trống.", "The JSON body is empty.")
	case errors.As(err, &se):
		return phusong.Invalid("malformed_json",
			fmt.Sprintf("JSON sai cú pháp ở ký tự thứ %d.", se.Offset),
			fmt.Sprintf("Malformed JSON at byte %d.", se.Offset))
	case errors.As(err, &te):
		return phusong.Invalid("malformed_json", "JSON có trường sai kiểu dữ liệu.", "A JSON field has the wrong type.",
			phusong.Problem{Column: te.Field, Code: "wrong_type",
				VI: fmt.Sprintf("Trường %q phải có kiểu %s.", te.Field, te.Type),
				EN: fmt.Sprintf("Field %q must be of type %s.", te.Field, te.Type)})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return phusong.Invalid("unknown_field", fmt.Sprintf("Trường %q không được hỗ trợ.", f),
			fmt.Sprintf("Unknown field %q.", f),
			phusong.Problem{Column: f, Code: "unknown_field",
				VI: fmt.Sprintf("Bỏ trường %q hoặc sửa lại tên trường.", f),
				EN: fmt.Sprintf("Remove the field %q or fix its name.", f)})
	}
	return phusong.Invalid("malformed_json", "Nội dung JSON không hợp lệ.", "The JSON body is invalid.")
}
