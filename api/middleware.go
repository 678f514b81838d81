package api

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
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
		return jsonProblem(err, c.Body(), v)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return phusong.Invalid("malformed_json", "Nội dung JSON có dữ liệu thừa sau đối tượng chính.",
			"The JSON body has extra data after the main object.")
	}
	// A JSON string can hold NUL only as the escape \u0000, so bodies
	// without that text (nearly all) skip the second decoding.
	if bytes.Contains(c.Body(), []byte(`\u0000`)) {
		if field, ok := nulField(c.Body()); ok {
			return errNULField(field)
		}
	}
	return nil
}

// kindOf names the JSON value a Go type takes, for a person: "a whole
// number" rather than "int64".
func kindOf(t reflect.Type) (vi, en string) {
	if t == nil {
		return "giá trị khác", "another kind of value"
	}
	if t == reflect.TypeFor[time.Time]() {
		return "ngày giờ theo RFC 3339 (ví dụ \"2027-01-15T17:00:00+07:00\")", "a date and time in RFC 3339 (e.g. \"2027-01-15T17:00:00+07:00\")"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return kindOf(t.Elem())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "một số nguyên (không có phần thập phân, không trong dấu ngoặc kép)", "a whole number (no decimals, not in quotes)"
	case reflect.Float32, reflect.Float64:
		return "một số (không trong dấu ngoặc kép)", "a number (not in quotes)"
	case reflect.String:
		return "một chuỗi văn bản (trong dấu ngoặc kép)", "text (in double quotes)"
	case reflect.Bool:
		return "true hoặc false", "true or false"
	case reflect.Slice, reflect.Array:
		return "một danh sách [ … ]", "a list [ … ]"
	case reflect.Struct, reflect.Map:
		return "một đối tượng { … }", "an object { … }"
	}
	return "giá trị khác", "another kind of value"
}

// badTimeField returns the JSON name of the time.Time field of t (a
// struct, or a pointer to one, fields of nested structs as "a.b") whose
// value in body is not an RFC 3339 date-time; "" when none is found.
func badTimeField(body []byte, t reflect.Type) string {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return ""
	}
	var find func(doc map[string]any, t reflect.Type, at string) string
	find = func(doc map[string]any, t reflect.Type, at string) string {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return ""
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			val, ok := doc[name]
			if !ok {
				continue
			}
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft == reflect.TypeFor[time.Time]() {
				var tm time.Time
				if s, isText := val.(string); !isText || tm.UnmarshalText([]byte(s)) != nil {
					return at + name
				}
				continue
			}
			if sub, isObject := val.(map[string]any); isObject {
				if got := find(sub, ft, at+name+"."); got != "" {
					return got
				}
			}
		}
		return ""
	}
	return find(doc, t, "")
}

// refuseNUL answers 400 to a request whose query string holds a NUL
// character (%00). PostgreSQL cannot store or even compare text holding
// one: the query would fail with SQLSTATE 22021 and the caller get a 500.
// (Route parameters are not unescaped, so a path cannot carry one.)
func refuseNUL(c *fiber.Ctx) error {
	name, bad := "", false
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) {
		if !bad && (bytes.IndexByte(k, 0) >= 0 || bytes.IndexByte(v, 0) >= 0) {
			name, bad = printable(string(k)), true
		}
	})
	if !bad {
		return c.Next()
	}
	return phusong.Invalid("nul_character",
		fmt.Sprintf("Tham số %q của địa chỉ (URL) chứa ký tự NUL (%%00). Hãy bỏ ký tự này rồi gửi lại.", name),
		fmt.Sprintf("The query parameter %q contains a NUL character (%%00). Remove it and send again.", name),
		phusong.Problem{Column: name, Code: "nul_character",
			VI: "Bỏ ký tự NUL (%00) khỏi giá trị này.", EN: "Remove the NUL character (%00) from this value."})
}

// errNULField is the 400 for a JSON body whose field holds a NUL character.
func errNULField(field string) error {
	return phusong.Invalid("nul_character",
		fmt.Sprintf("Trường %q chứa ký tự NUL (\\u0000). Hãy bỏ ký tự này rồi gửi lại.", field),
		fmt.Sprintf("Field %q contains a NUL character (\\u0000). Remove it and send again.", field),
		phusong.Problem{Column: field, Code: "nul_character",
			VI: "Bỏ ký tự NUL (\\u0000) khỏi giá trị này.", EN: "Remove the NUL character (\\u0000) from this value."})
}

// nulField finds a string of the JSON document body that holds NUL, as a
// key or a value, and returns where it is: "rule.name", "point_ids[2]".
// It walks the generic document rather than the decoded struct, so types
// with their own UnmarshalJSON are covered too.
func nulField(body []byte) (string, bool) {
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return "", false
	}
	var walk func(v any, at string) (string, bool)
	walk = func(v any, at string) (string, bool) {
		switch v := v.(type) {
		case string:
			return at, strings.IndexByte(v, 0) >= 0
		case []any:
			for i, x := range v {
				if f, ok := walk(x, fmt.Sprintf("%s[%d]", at, i)); ok {
					return f, true
				}
			}
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys) // the same field is named every time
			for _, k := range keys {
				x, f := v[k], k
				if at != "" {
					f = at + "." + k
				}
				if strings.IndexByte(k, 0) >= 0 {
					return printable(f), true
				}
				if f, ok := walk(x, f); ok {
					return f, true
				}
			}
		}
		return "", false
	}
	return walk(doc, "")
}

// printable replaces NUL and invalid UTF-8 in a name quoted back to the
// caller, so the message itself can be logged and stored.
func printable(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// jsonProblem turns a decoding error of body into v into a 400 naming
// the field and the kind of value it takes.
func jsonProblem(err error, body []byte, v any) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var pe *time.ParseError
	switch {
	case errors.Is(err, io.EOF):
		return phusong.Invalid("malformed_json", "Nội dung JSON trống.", "The JSON body is empty.")
	case errors.As(err, &se):
		return phusong.Invalid("malformed_json",
			fmt.Sprintf("JSON sai cú pháp ở ký tự thứ %d.", se.Offset),
			fmt.Sprintf("Malformed JSON at byte %d.", se.Offset))
	case errors.As(err, &te):
		vi, en := kindOf(te.Type)
		return phusong.Invalid("malformed_json", "JSON có trường sai kiểu dữ liệu.", "A JSON field has the wrong type.",
			phusong.Problem{Column: te.Field, Code: "wrong_type",
				VI: fmt.Sprintf("Trường %q phải là %s.", te.Field, vi),
				EN: fmt.Sprintf("Field %q must be %s.", te.Field, en)})
	case errors.As(err, &pe), strings.HasPrefix(err.Error(), "Time.UnmarshalJSON"):
		// time.Time's own decoder does not say which field it was given.
		field := badTimeField(body, reflect.TypeOf(v))
		return phusong.Invalid("malformed_json", "JSON có trường ngày giờ sai định dạng.", "A JSON date-time field is not in the expected format.",
			phusong.Problem{Column: field, Code: "date_time_invalid",
				VI: fmt.Sprintf("Trường %q phải là ngày giờ theo RFC 3339, có múi giờ, ví dụ \"2027-01-15T17:00:00+07:00\".", field),
				EN: fmt.Sprintf("Field %q must be a date and time in RFC 3339 with an offset, e.g. \"2027-01-15T17:00:00+07:00\".", field)})
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
