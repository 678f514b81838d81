package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/phusong/phusong"
)

// Lockout and lifetimes.
const (
	MaxFailures  = 5                // failed logins in a row before a username locks
	LockFor      = 15 * time.Minute // how long a locked username refuses logins
	SessionTTL   = 12 * time.Hour
	TokenPrefix  = "phs_"
	SessionBytes = 32
)

// Store reads and writes accounts, sessions and tokens.
type Store struct {
	pool   *pgxpool.Pool
	now    func() time.Time
	creds  *credCache
	logins *loginLimiter
}

// NewStore returns a Store over pool.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, now: time.Now, creds: newCredCache(), logins: newLoginLimiter(maxLoginNames)}
}

// User is an account as shown to administrators.
type User struct {
	ID           int64        `json:"id"`
	Username     string       `json:"username"`
	FullName     string       `json:"full_name"`
	Role         phusong.Role `json:"role"`
	ProvinceCode string       `json:"province_code,omitempty"`
	Operator     string       `json:"operator,omitempty"`
	Disabled     bool         `json:"disabled"`
	CreatedAt    time.Time    `json:"created_at"`
}

// Actor returns the actor this user acts as.
func (u User) Actor() phusong.Actor {
	return phusong.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, ProvinceCode: u.ProvinceCode, Operator: u.Operator}
}

// NewUser is what creating an account needs.
type NewUser struct {
	Username     string       `json:"username"`
	FullName     string       `json:"full_name"`
	Password     string       `json:"password"`
	Role         phusong.Role `json:"role"`
	ProvinceCode string       `json:"province_code"`
	Operator     string       `json:"operator"`
}

func (n *NewUser) validate() error {
	n.Username = strings.ToLower(strings.TrimSpace(n.Username))
	// Operators are stored by code ("viettel"), but people write the
	// brand ("Viettel", "VinaPhone"), as the README and the page do.
	n.Operator = strings.ToLower(strings.TrimSpace(n.Operator))
	var probs []phusong.Problem
	if !validUsername(n.Username) {
		probs = append(probs, phusong.Problem{Column: "username", Code: "username_invalid", Value: n.Username,
			VI: "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới.",
			EN: "A username has 3–64 characters: lower-case letters, digits, '.', '-' or '_'."})
	}
	if p := passwordProblem(n.Password); p != nil {
		probs = append(probs, *p)
	}
	if !n.Role.Valid() {
		probs = append(probs, phusong.Problem{Column: "role", Code: "role_invalid", Value: string(n.Role),
			VI: "Vai trò phải là một trong: province, reviewer, operator, admin.",
			EN: "The role must be one of: province, reviewer, operator, admin."})
	}
	if n.Role == phusong.RoleProvince && n.ProvinceCode == "" {
		probs = append(probs, phusong.Problem{Column: "province_code", Code: "province_required",
			VI: "Tài khoản cấp tỉnh phải gắn với một mã tỉnh (ví dụ \"12\").",
			EN: "A province account must be bound to a province code (e.g. \"12\")."})
	}
	if n.Role != phusong.RoleProvince && n.ProvinceCode != "" {
		probs = append(probs, phusong.Problem{Column: "province_code", Code: "province_not_allowed", Value: n.ProvinceCode,
			VI: "Chỉ tài khoản cấp tỉnh mới gắn với mã tỉnh.",
			EN: "Only province accounts are bound to a province code."})
	}
	if n.Role == phusong.RoleOperator && !isOperator(n.Operator) {
		probs = append(probs, phusong.Problem{Column: "operator", Code: "operator_required", Value: n.Operator,
			VI: "Tài khoản doanh nghiệp phải gắn với một trong: viettel, vinaphone, mobifone, vietnamobile.",
			EN: "An operator account must be bound to one of: viettel, vinaphone, mobifone, vietnamobile."})
	}
	if n.Role != phusong.RoleOperator && n.Operator != "" {
		probs = append(probs, phusong.Problem{Column: "operator", Code: "operator_not_allowed", Value: n.Operator,
			VI: "Chỉ tài khoản doanh nghiệp viễn thông mới gắn với nhà mạng.",
			EN: "Only operator accounts are bound to an operator."})
	}
	if len(probs) > 0 {
		return phusong.Invalid("invalid_user", "Thông tin tài khoản chưa hợp lệ.", "The account details are invalid.", probs...)
	}
	return nil
}

func validUsername(s string) bool {
	if len(s) < 3 || len(s) > 64 {
		return false
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || (i > 0 && (r == '.' || r == '-' || r == '_'))
		if !ok {
			return false
		}
	}
	return true
}

func passwordProblem(pw string) *phusong.Problem {
	if len([]rune(pw)) < MinPasswordLength {
		return &phusong.Problem{Column: "password", Code: "password_too_short",
			VI: fmt.Sprintf("Mật khẩu phải có ít nhất %d ký tự.", MinPasswordLength),
			EN: fmt.Sprintf("The password must have at least %d characters.", MinPasswordLength)}
	}
	return nil
}

func isOperator(s string) bool {
	for _, o := range phusong.Operators {
		if s == o {
			return true
		}
	}
	return false
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

const userColumns = `id, username, full_name, role, coalesce(province_code, ''), coalesce(operator, ''), disabled_at IS NOT NULL, created_at`

func scanUser(row pgx.Row) (User, error) {
	var u User
	var role string
	err := row.Scan(&u.ID, &u.Username, &u.FullName, &role, &u.ProvinceCode, &u.Operator, &u.Disabled, &u.CreatedAt)
	u.Role = phusong.Role(role)
	return u, err
}

// CreateUser creates an account. Returns *phusong.InputError for invalid
// details and ErrConflict when the username is taken. Audited.
func (s *Store) CreateUser(ctx context.Context, n NewUser) (User, error) {
	if err := n.validate(); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		u, err = scanUser(tx.QueryRow(ctx, `
			INSERT INTO users (username, full_name, role, province_code, operator, password_hash)
			VALUES ($1, $2, $3, $4, $5, $6)
			RETURNING `+userColumns,
			n.Username, n.FullName, string(n.Role), nullable(n.ProvinceCode), nullable(n.Operator), hash))
		if err != nil {
			return err
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: "user.create", ObjectType: "user", ObjectID: fmt.Sprint(u.ID),
			ProvinceCode: u.ProvinceCode, After: userSummary(u)})
	})
	if err != nil {
		return User{}, userError(err, n.Username)
	}
	return u, nil
}

func userSummary(u User) map[string]any {
	// full_name is included so that renaming a user leaves a trace.
	return map[string]any{"username": u.Username, "full_name": u.FullName, "role": u.Role, "province_code": u.ProvinceCode, "operator": u.Operator, "disabled": u.Disabled}
}

func userError(err error, username string) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return phusong.Errorf(phusong.ErrConflict, "username_taken",
				fmt.Sprintf("Tên đăng nhập %q đã có người dùng; hãy chọn tên khác.", username),
				fmt.Sprintf("The username %q is taken; choose another.", username))
		case pe.Code == "23503" && pe.ConstraintName == "users_province_code_fkey":
			return phusong.Invalid("invalid_user", "Thông tin tài khoản chưa hợp lệ.", "The account details are invalid.",
				phusong.Problem{Column: "province_code", Code: "province_unknown",
					VI: "Mã tỉnh không tồn tại trong danh mục 34 tỉnh, thành phố từ 2025.",
					EN: "The province code is not one of the 34 provinces of 2025."})
		}
	}
	return fmt.Errorf("auth: user %s: %w", username, err)
}

// Users lists all accounts, ordered by username.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("auth: users: %w", err)
	}
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) { return scanUser(r) })
	if err != nil {
		return nil, fmt.Errorf("auth: users: %w", err)
	}
	return users, nil
}

// UserByName returns one account. Returns ErrNotFound.
func (s *Store) UserByName(ctx context.Context, username string) (User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = $1`, username))
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, notFoundUser(username)
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: user %s: %w", username, err)
	}
	return u, nil
}

func notFoundUser(key string) error {
	return phusong.Errorf(phusong.ErrNotFound, "user_not_found",
		fmt.Sprintf("Không có tài khoản %s.", key), fmt.Sprintf("There is no account %s.", key))
}

// UserUpdate changes an account; nil fields stay as they are.
type UserUpdate struct {
	FullName *string `json:"full_name"`
	Disabled *bool   `json:"disabled"`
	Password *string `json:"password"`
}

// UpdateUser changes an account by username. Disabling an account ends
// its sessions and revokes its tokens in the same transaction; a new
// password ends its sessions and clears a lockout (of this process: see
// loginLimiter). Audited.
func (s *Store) UpdateUser(ctx context.Context, username string, up UserUpdate) (User, error) {
	defer s.creds.clear()
	if up.Password != nil {
		if p := passwordProblem(*up.Password); p != nil {
			return User{}, phusong.Invalid("invalid_user", "Thông tin tài khoản chưa hợp lệ.", "The account details are invalid.", *p)
		}
	}
	var hash *string
	if up.Password != nil {
		h, err := HashPassword(*up.Password)
		if err != nil {
			return User{}, err
		}
		hash = &h
	}
	var after User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = $1 FOR UPDATE`, username))
		if errors.Is(err, pgx.ErrNoRows) {
			return notFoundUser(username)
		}
		if err != nil {
			return err
		}
		if up.Disabled != nil && *up.Disabled && !before.Disabled {
			if err := canDisable(ctx, tx, before); err != nil {
				return err
			}
		}
		after, err = scanUser(tx.QueryRow(ctx, `
			UPDATE users SET
			    full_name     = coalesce($2, full_name),
			    disabled_at   = CASE WHEN $3::boolean IS NULL THEN disabled_at
			                         WHEN $3 THEN coalesce(disabled_at, now()) ELSE NULL END,
			    password_hash = coalesce($4, password_hash),
			    updated_at    = now()
			WHERE id = $1
			RETURNING `+userColumns, before.ID, up.FullName, up.Disabled, hash))
		if err != nil {
			return err
		}
		if after.Disabled || hash != nil {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, before.ID); err != nil {
				return err
			}
		}
		if after.Disabled {
			if _, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, before.ID); err != nil {
				return err
			}
		}
		action := "user.update"
		switch {
		case up.Disabled != nil && *up.Disabled && !before.Disabled:
			action = "user.disable"
		case up.Disabled != nil && !*up.Disabled && before.Disabled:
			action = "user.enable"
		case hash != nil:
			action = "user.reset_password"
		}
		a := userSummary(after)
		if hash != nil {
			a["password"] = "changed"
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: action, ObjectType: "user", ObjectID: fmt.Sprint(before.ID),
			ProvinceCode: before.ProvinceCode, Before: userSummary(before), After: a})
	})
	if err != nil {
		var ke *phusong.KindError
		if errors.As(err, &ke) {
			return User{}, err
		}
		return User{}, fmt.Errorf("auth: update user %s: %w", username, err)
	}
	if hash != nil {
		s.logins.forget(after.Username)
	}
	return after, nil
}

// adminsLock is the transaction-level advisory lock taken by every change
// that can remove an active administrator. Without it two administrators
// disabling each other at the same time would each still count the other
// as active, and both would succeed.
const adminsLock = 0x7068_7573_6f6e_6761 // "phusonga"

// canDisable refuses to disable the caller's own account (an administrator
// who locks themselves out cannot undo it) and the last active
// administrator (nobody could then enable accounts through the API).
// Returns ErrConflict.
func canDisable(ctx context.Context, tx pgx.Tx, u User) error {
	if a, ok := phusong.ActorFrom(ctx); ok && a.UserID != 0 && a.UserID == u.ID {
		return phusong.Errorf(phusong.ErrConflict, "cannot_disable_self",
			"Bạn không thể tự khoá tài khoản của mình. Hãy nhờ một quản trị viên khác khoá tài khoản này.",
			"You cannot disable your own account. Ask another administrator to disable it.")
	}
	if u.Role != phusong.RoleAdmin {
		return nil
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(adminsLock)); err != nil {
		return err
	}
	var others int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1`,
		u.ID).Scan(&others); err != nil {
		return err
	}
	if others == 0 {
		return phusong.Errorf(phusong.ErrConflict, "last_admin",
			fmt.Sprintf("Không thể khoá %s: đây là tài khoản quản trị cuối cùng còn hoạt động. Hãy tạo hoặc mở lại một tài khoản quản trị khác trước (phusong user create … --role admin, phusong user enable …).", u.Username),
			fmt.Sprintf("Cannot disable %s: it is the last active administrator. Create or enable another admin account first (phusong user create … --role admin, phusong user enable …).", u.Username))
	}
	return nil
}

func audit(ctx context.Context, tx pgx.Tx, e phusong.AuditEntry) error {
	if _, err := tx.Exec(ctx, phusong.AuditSQL, e.Args(ctx)...); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// Session is a logged-in browser.
type Session struct {
	Token     string // the cookie value; only the hash is stored
	CSRFToken string
	ExpiresAt time.Time
	User      User
}

// ErrBadCredentials is returned for a wrong username or password or a
// disabled account — deliberately indistinguishable.
var ErrBadCredentials = phusong.Errorf(phusong.ErrUnauthorized, "bad_credentials",
	"Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password.")

// ErrLocked is returned while a username is locked after too many
// failures, whether or not an account of that name exists. It says nothing
// about whether the password was right.
var ErrLocked = phusong.Errorf(phusong.ErrRateLimited, "too_many_attempts",
	"Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút.", "Too many failed logins. Try again in 15 minutes.")

// Login checks a username and password and opens a session. Every outcome
// is audited (login or login_failed). MaxFailures failures in a row lock
// the submitted username for LockFor, the same whether or not the account
// exists, so neither the answer (401, then 429) nor its time (a password
// is hashed either way) tells which usernames exist.
func (s *Store) Login(ctx context.Context, username, password, clientAddr, userAgent string) (Session, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	var (
		id       int64
		hash     string
		disabled bool
	)
	err := s.pool.QueryRow(ctx, `SELECT id, password_hash, disabled_at IS NOT NULL FROM users WHERE username = $1`,
		username).Scan(&id, &hash, &disabled)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return Session{}, fmt.Errorf("auth: login: %w", err)
	}
	now := s.now()
	if s.logins.locked(username, now) {
		if err := s.failed(ctx, id, username, "locked"); !errors.Is(err, ErrBadCredentials) {
			return Session{}, err
		}
		return Session{}, ErrLocked
	}
	if id == 0 {
		checkPassword(password, dummyHash) // same cost as a real check
		s.logins.fail(username, now)
		return Session{}, s.failed(ctx, 0, username, "unknown_user")
	}
	if !checkPassword(password, hash) {
		s.logins.fail(username, now)
		return Session{}, s.failed(ctx, id, username, "wrong_password")
	}
	if disabled {
		s.logins.fail(username, now)
		return Session{}, s.failed(ctx, id, username, "disabled")
	}
	token, err := randomToken("")
	if err != nil {
		return Session{}, err
	}
	csrf, err := randomToken("")
	if err != nil {
		return Session{}, err
	}
	sess := Session{Token: token, CSRFToken: csrf, ExpiresAt: now.Add(SessionTTL)}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, csrf_token, client_addr, user_agent, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, hashToken(token), id, csrf, clientAddr, truncate(userAgent, 256), sess.ExpiresAt); err != nil {
			return err
		}
		sess.User, err = scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
		if err != nil {
			return err
		}
		actx := phusong.WithActor(ctx, withRequest(sess.User.Actor(), ctx))
		return audit(actx, tx, phusong.AuditEntry{Action: "login", ObjectType: "user", ObjectID: fmt.Sprint(id), ProvinceCode: sess.User.ProvinceCode})
	})
	if err != nil {
		return Session{}, fmt.Errorf("auth: login: %w", err)
	}
	s.logins.forget(username)
	return sess, nil
}

// withRequest copies the request id and client address of the anonymous
// actor in ctx onto a.
func withRequest(a phusong.Actor, ctx context.Context) phusong.Actor {
	if req, ok := phusong.ActorFrom(ctx); ok {
		a.RequestID, a.ClientAddr = req.RequestID, req.ClientAddr
	}
	return a
}

// failed audits a failed login and returns ErrBadCredentials (or a
// database error).
func (s *Store) failed(ctx context.Context, id int64, username, reason string) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		a := withRequest(phusong.Actor{Username: truncate(username, 64)}, ctx)
		if id != 0 {
			a.UserID = id
		}
		return audit(phusong.WithActor(ctx, a), tx, phusong.AuditEntry{Action: "login_failed", ObjectType: "user",
			ObjectID: fmt.Sprint(id), After: map[string]string{"reason": reason}})
	})
	if err != nil {
		return fmt.Errorf("auth: record failed login: %w", err)
	}
	return ErrBadCredentials
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// Logout ends the session with this cookie value. Audited.
func (s *Store) Logout(ctx context.Context, token string) error {
	defer s.creds.clear()
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hashToken(token))
		if err != nil {
			return fmt.Errorf("auth: logout: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		a, _ := phusong.ActorFrom(ctx)
		return audit(ctx, tx, phusong.AuditEntry{Action: "logout", ObjectType: "user", ObjectID: fmt.Sprint(a.UserID), ProvinceCode: a.ProvinceCode})
	})
}

// SessionActor returns the actor and CSRF token of a live session.
// Returns ErrUnauthorized for an unknown, expired or disabled one.
func (s *Store) SessionActor(ctx context.Context, token string) (phusong.Actor, string, error) {
	hash := hashToken(token)
	if e, ok := s.creds.get(hash, s.now()); ok {
		return e.actor, e.csrf, nil
	}
	var (
		u    User
		csrf string
		role string
	)
	err := s.pool.QueryRow(ctx, `
		UPDATE sessions s SET last_seen_at = now()
		FROM users u
		WHERE s.id_hash = $1 AND s.expires_at > now() AND u.id = s.user_id AND u.disabled_at IS NULL
		RETURNING u.id, u.username, u.role, coalesce(u.province_code, ''), coalesce(u.operator, ''), s.csrf_token`,
		hash).Scan(&u.ID, &u.Username, &role, &u.ProvinceCode, &u.Operator, &csrf)
	if errors.Is(err, pgx.ErrNoRows) {
		return phusong.Actor{}, "", errSessionInvalid
	}
	if err != nil {
		return phusong.Actor{}, "", fmt.Errorf("auth: session: %w", err)
	}
	u.Role = phusong.Role(role)
	s.creds.put(hash, credEntry{actor: u.Actor(), csrf: csrf, until: s.now().Add(credTTL)})
	return u.Actor(), csrf, nil
}

var errSessionInvalid = phusong.Errorf(phusong.ErrUnauthorized, "session_invalid",
	"Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Hãy đăng nhập lại.", "The session has expired or is invalid. Log in again.")

var errTokenInvalid = phusong.Errorf(phusong.ErrUnauthorized, "token_invalid",
	"Mã truy cập API không hợp lệ, đã bị thu hồi hoặc hết hạn.", "The API token is invalid, revoked or expired.")

// Token is an API token as listed; the secret is shown once, on creation.
type Token struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"`
	CreatedAt time.Time  `json:"created_at"`
	LastUsed  *time.Time `json:"last_used_at,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Revoked   bool       `json:"revoked"`
	Secret    string     `json:"token,omitempty"` // only in the response that creates it
}

// Credential says how the caller of a request proved who they are. The API
// puts it in the request's context (WithCredential) beside the actor.
type Credential struct {
	Token     bool       // an API token (Authorization: Bearer); false: a password session
	ExpiresAt *time.Time // the token's expiry; nil when it never expires
}

type credentialKey struct{}

// WithCredential returns a context carrying how its actor authenticated.
func WithCredential(ctx context.Context, c Credential) context.Context {
	return context.WithValue(ctx, credentialKey{}, c)
}

func credentialFrom(ctx context.Context) Credential {
	c, _ := ctx.Value(credentialKey{}).(Credential)
	return c
}

// tokenMayCreate refuses a token that would outlive the API token its
// caller authenticated with (exp nil: never expires). Otherwise a leaked
// short-lived token could mint a permanent one that also survives the
// leaked token's revocation. Only a password session creates tokens
// without that bound. Returns ErrForbidden.
func tokenMayCreate(c Credential, exp *time.Time, now time.Time) error {
	if !c.Token || (exp != nil && (c.ExpiresAt == nil || !exp.After(*c.ExpiresAt))) {
		return nil
	}
	if c.ExpiresAt == nil {
		return phusong.Errorf(phusong.ErrForbidden, "token_outlives_caller",
			"Mã truy cập tạo bằng một mã truy cập API phải có thời hạn. Hãy đặt ttl_days (1–3650), hoặc đăng nhập bằng mật khẩu để tạo mã không hết hạn.",
			"A token created with an API token must expire. Set ttl_days (1–3650), or log in with your password to create a token that never expires.")
	}
	until := c.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC")
	if days := int(c.ExpiresAt.Sub(now) / (24 * time.Hour)); days >= 1 {
		return phusong.Errorf(phusong.ErrForbidden, "token_outlives_caller",
			fmt.Sprintf("Mã truy cập tạo bằng một mã truy cập API không được dùng lâu hơn mã đó (hết hạn lúc %s). Hãy đặt ttl_days từ 1 đến %d, hoặc đăng nhập bằng mật khẩu để tạo mã dài hạn hơn.", until, days),
			fmt.Sprintf("A token created with an API token cannot outlive it (it expires %s). Set ttl_days between 1 and %d, or log in with your password to create a longer-lived token.", until, days))
	}
	return phusong.Errorf(phusong.ErrForbidden, "token_outlives_caller",
		fmt.Sprintf("Mã truy cập tạo bằng một mã truy cập API không được dùng lâu hơn mã đó, và mã này hết hạn lúc %s, chưa đầy một ngày nữa. Hãy đăng nhập bằng mật khẩu để tạo mã mới.", until),
		fmt.Sprintf("A token created with an API token cannot outlive it, and yours expires %s, in less than a day. Log in with your password to create a new token.", until))
}

// CreateToken issues an API token for the actor in ctx. The returned
// Token.Secret is the only copy. A caller authenticated with an API token
// (see WithCredential) gets a token that expires no later than that one,
// or ErrForbidden. Audited.
func (s *Store) CreateToken(ctx context.Context, name string, ttl time.Duration) (Token, error) {
	a, ok := phusong.ActorFrom(ctx)
	if !ok || a.UserID == 0 {
		return Token{}, phusong.ErrUnauthorized
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return Token{}, phusong.Invalid("invalid_token", "Tên mã truy cập chưa hợp lệ.", "The token name is invalid.",
			phusong.Problem{Column: "name", Code: "token_name_invalid",
				VI: "Hãy đặt tên cho mã truy cập (1–100 ký tự), ví dụ \"script nhập liệu\".",
				EN: "Give the token a name of 1–100 characters, e.g. \"import script\"."})
	}
	secret, err := randomToken(TokenPrefix)
	if err != nil {
		return Token{}, err
	}
	var exp *time.Time
	now := s.now()
	if ttl > 0 {
		t := now.Add(ttl)
		exp = &t
	}
	if err := tokenMayCreate(credentialFrom(ctx), exp, now); err != nil {
		return Token{}, err
	}
	t := Token{Name: name, Prefix: secret[:len(TokenPrefix)+6], ExpiresAt: exp, Secret: secret}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, expires_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at`, a.UserID, name, hashToken(secret), t.Prefix, exp).
			Scan(&t.ID, &t.CreatedAt); err != nil {
			return err
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: "token.create", ObjectType: "api_token", ObjectID: fmt.Sprint(t.ID),
			ProvinceCode: a.ProvinceCode, After: map[string]any{"name": name, "prefix": t.Prefix}})
	})
	if err != nil {
		return Token{}, fmt.Errorf("auth: create token: %w", err)
	}
	return t, nil
}

// Tokens lists the actor's own API tokens.
func (s *Store) Tokens(ctx context.Context) ([]Token, error) {
	a, _ := phusong.ActorFrom(ctx)
	rows, err := s.pool.Query(ctx, `SELECT id, name, prefix, created_at, last_used_at, expires_at, revoked_at IS NOT NULL
		FROM api_tokens WHERE user_id = $1 ORDER BY id`, a.UserID)
	if err != nil {
		return nil, fmt.Errorf("auth: tokens: %w", err)
	}
	ts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Token, error) {
		var t Token
		err := r.Scan(&t.ID, &t.Name, &t.Prefix, &t.CreatedAt, &t.LastUsed, &t.ExpiresAt, &t.Revoked)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("auth: tokens: %w", err)
	}
	return ts, nil
}

// RevokeToken revokes one of the actor's tokens. Returns ErrNotFound for a
// token that is not the actor's. Audited.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	defer s.creds.clear()
	a, _ := phusong.ActorFrom(ctx)
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND user_id = $2`, id, a.UserID)
		if err != nil {
			return fmt.Errorf("auth: revoke token: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return phusong.Errorf(phusong.ErrNotFound, "token_not_found", "Không có mã truy cập này.", "There is no such token.")
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: "token.revoke", ObjectType: "api_token", ObjectID: fmt.Sprint(id), ProvinceCode: a.ProvinceCode})
	})
}

// TokenActor returns the actor owning a live API token, and the token's
// expiry as a Credential.
func (s *Store) TokenActor(ctx context.Context, secret string) (phusong.Actor, Credential, error) {
	if !strings.HasPrefix(secret, TokenPrefix) {
		return phusong.Actor{}, Credential{}, errTokenInvalid
	}
	hash := hashToken(secret)
	if e, ok := s.creds.get(hash, s.now()); ok {
		return e.actor, e.cred, nil
	}
	var u User
	var role string
	cred := Credential{Token: true}
	err := s.pool.QueryRow(ctx, `
		UPDATE api_tokens t SET last_used_at = now()
		FROM users u
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
		  AND u.id = t.user_id AND u.disabled_at IS NULL
		RETURNING u.id, u.username, u.role, coalesce(u.province_code, ''), coalesce(u.operator, ''), t.expires_at`,
		hash).Scan(&u.ID, &u.Username, &role, &u.ProvinceCode, &u.Operator, &cred.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return phusong.Actor{}, Credential{}, errTokenInvalid
	}
	if err != nil {
		return phusong.Actor{}, Credential{}, fmt.Errorf("auth: token: %w", err)
	}
	u.Role = phusong.Role(role)
	s.creds.put(hash, credEntry{actor: u.Actor(), cred: cred, until: s.now().Add(credTTL)})
	return u.Actor(), cred, nil
}

func randomToken(prefix string) (string, error) {
	b := make([]byte, SessionBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: random: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

func hashToken(t string) []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}
