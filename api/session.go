package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/phusong/phusong"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// login opens a session: an HttpOnly, Secure, SameSite=Strict cookie,
// and the CSRF token the page sends back in X-CSRF-Token.
func (h *handler) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Username) == "" || req.Password == "" {
		return phusong.Invalid("credentials_missing", "Hãy nhập tên đăng nhập và mật khẩu.", "Enter a username and a password.",
			phusong.Problem{Column: "username", Code: "required", VI: "Bắt buộc.", EN: "Required."})
	}
	s, err := h.d.Auth.Login(c.UserContext(), req.Username, req.Password, c.IP(), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: s.Token, Path: "/", Expires: s.ExpiresAt,
		HTTPOnly: true, Secure: h.d.CookieSecure, SameSite: fiber.CookieSameSiteStrictMode,
	})
	return c.JSON(fiber.Map{"user": s.User, "csrf_token": s.CSRFToken, "expires_at": s.ExpiresAt})
}

func (h *handler) logout(c *fiber.Ctx) error {
	if tok := c.Cookies(sessionCookie); tok != "" {
		if err := h.d.Auth.Logout(c.UserContext(), tok); err != nil {
			return err
		}
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0),
		HTTPOnly: true, Secure: h.d.CookieSecure, SameSite: fiber.CookieSameSiteStrictMode})
	return c.SendStatus(fiber.StatusNoContent)
}

// me returns the caller and, for a session, its CSRF token (so a reloaded
// page can recover it).
func (h *handler) me(c *fiber.Ctx) error {
	a, err := actorOf(c)
	if err != nil {
		return err
	}
	out := fiber.Map{"id": a.UserID, "username": a.Username, "role": a.Role,
		"province_code": a.ProvinceCode, "operator": a.Operator}
	if tok := c.Cookies(sessionCookie); tok != "" && c.Get(fiber.HeaderAuthorization) == "" {
		if _, csrf, err := h.d.Auth.SessionActor(c.UserContext(), tok); err == nil {
			out["csrf_token"] = csrf
		}
	}
	if u, err := h.d.Auth.UserByName(c.UserContext(), a.Username); err == nil {
		out["full_name"] = u.FullName
	}
	if a.ProvinceCode != "" && h.d.Admin != nil {
		out["province_name"] = h.d.Admin.ProvinceName(a.ProvinceCode)
	}
	return c.JSON(out)
}

type tokenRequest struct {
	Name    string `json:"name"`
	TTLDays int    `json:"ttl_days"`
}

func (h *handler) createToken(c *fiber.Ctx) error {
	var req tokenRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.TTLDays < 0 || req.TTLDays > 3650 {
		return phusong.Invalid("invalid_token", "Thời hạn mã truy cập chưa hợp lệ.", "The token lifetime is invalid.",
			phusong.Problem{Column: "ttl_days", Code: "ttl_out_of_range", Value: strconv.Itoa(req.TTLDays),
				VI: "ttl_days phải từ 0 (không hết hạn) đến 3650 ngày.", EN: "ttl_days must be 0 (no expiry) to 3650 days."})
	}
	t, err := h.d.Auth.CreateToken(c.UserContext(), req.Name, time.Duration(req.TTLDays)*24*time.Hour)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (h *handler) listTokens(c *fiber.Ctx) error {
	ts, err := h.d.Auth.Tokens(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"tokens": ts})
}

func (h *handler) revokeToken(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return phusong.Errorf(phusong.ErrNotFound, "token_not_found", "Không có mã truy cập này.", "There is no such token.")
	}
	if err := h.d.Auth.RevokeToken(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
