// Package phusong holds the vocabulary every other package shares: who is
// acting (Actor, Role), the kinds of error the service distinguishes, and the
// row-level Problem that tells a provincial officer what to fix.
//
// It imports nothing of ours, so any package may import it.
//
// Glossary (Vietnamese terms used across the code base):
//   - thôn / bản / ấp: village, the unit a survey point describes
//   - trắng sóng: total not-spot, no operator gives any signal (category trang_song)
//   - lõm sóng: partial not-spot, some signal but no 4G (category lom_song)
//   - gói thầu: bid package
//   - ĐBKK (đặc biệt khó khăn): the list of especially disadvantaged villages
//   - Sở TT&TT / Sở KH&CN: the provincial department that submits surveys
package phusong

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Role is what an account may do. Province and operator accounts are bound to
// one province code or one operator company.
type Role string

const (
	RoleProvince Role = "province" // provincial officer, bound to one province code
	RoleReviewer Role = "reviewer" // national telecom department
	RoleOperator Role = "operator" // mobile operator, bound to one company
	RoleAdmin    Role = "admin"    // manages accounts; sees everything reviewers see
)

// Roles lists every role, in the order the authorization matrix reports them.
var Roles = []Role{RoleProvince, RoleReviewer, RoleOperator, RoleAdmin}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Operators are the mobile operator companies an operator account can be bound to.
var Operators = []string{"viettel", "vinaphone", "mobifone", "vietnamobile"}

// Actor is the authenticated caller of a request or command.
type Actor struct {
	UserID       int64
	Username     string
	Role         Role
	ProvinceCode string // set for RoleProvince only
	Operator     string // set for RoleOperator only
	RequestID    string
	ClientAddr   string
}

// System is the actor used by CLI commands run on the server itself
// (migrations, demo data, imports by an administrator).
var System = Actor{Username: "system", Role: RoleAdmin}

// National reports whether the actor may see every province's data.
func (a Actor) National() bool { return a.Role == RoleReviewer || a.Role == RoleAdmin }

// CanSeeProvince reports whether the actor may read the unpublished data of
// the given province.
func (a Actor) CanSeeProvince(code string) bool {
	return a.National() || (a.Role == RoleProvince && a.ProvinceCode == code)
}

// ErrAnonymous is returned by stores called without an authenticated actor.
var ErrAnonymous = Errorf(ErrUnauthorized, "login_required", "Hãy đăng nhập.", "Log in first.")

// RequireActor returns the actor of ctx, or ErrAnonymous when there is
// none: every store calls it first, so a caller that skipped the API's
// authorization cannot read or change anything.
func RequireActor(ctx context.Context) (Actor, error) {
	a, ok := ActorFrom(ctx)
	if !ok || a.Role == "" {
		return a, ErrAnonymous
	}
	return a, nil
}

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx; ok is false for an anonymous context.
func ActorFrom(ctx context.Context) (a Actor, ok bool) {
	a, ok = ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// Error kinds. Stores and services wrap them with %w; the API maps each to
// one HTTP status in one table.
var (
	ErrNotFound     = errors.New("not found")
	ErrForbidden    = errors.New("forbidden")
	ErrUnauthorized = errors.New("unauthorized")
	ErrConflict     = errors.New("conflict")
	ErrUnavailable  = errors.New("unavailable")
	ErrRateLimited  = errors.New("rate limited")
	ErrGone         = errors.New("gone") // existed, and was withdrawn on purpose
)

// Message is a text a person reads, in Vietnamese and English.
type Message struct {
	VI string `json:"message_vi"`
	EN string `json:"message_en"`
}

// Problem is one thing wrong with user input: a row and column of an upload,
// or a field of a JSON body. Row is the spreadsheet row (header = 1) or the
// 1-based feature index of a GeoJSON file; 0 means the whole file or body.
// Column is the canonical column name even when the file used an alias.
type Problem struct {
	Row    int    `json:"row,omitempty"`
	Column string `json:"column,omitempty"`
	Code   string `json:"code"`
	Value  string `json:"value,omitempty"`
	VI     string `json:"message_vi"`
	EN     string `json:"message_en"`
}

func (p Problem) Error() string {
	var b strings.Builder
	if p.Row > 0 {
		fmt.Fprintf(&b, "row %d: ", p.Row)
	}
	if p.Column != "" {
		fmt.Fprintf(&b, "%s: ", p.Column)
	}
	b.WriteString(p.EN)
	return b.String()
}

// InputError is returned when user input is invalid. Code is a stable
// snake_case summary code; Problems list every detail found.
type InputError struct {
	Code     string
	Message  Message
	Problems []Problem
}

func (e *InputError) Error() string {
	if len(e.Problems) == 0 {
		return e.Message.EN
	}
	if len(e.Problems) == 1 {
		return fmt.Sprintf("%s (1 problem: %s)", e.Message.EN, e.Problems[0].Error())
	}
	return fmt.Sprintf("%s (%d problems, first: %s)", e.Message.EN, len(e.Problems), e.Problems[0].Error())
}

// Invalid returns an *InputError with one message and the given problems.
func Invalid(code, vi, en string, problems ...Problem) *InputError {
	return &InputError{Code: code, Message: Message{VI: vi, EN: en}, Problems: problems}
}

// KindError attaches a person-readable message and a stable code to an error
// kind (ErrNotFound, ErrConflict, …), so the API can render it.
type KindError struct {
	Kind    error
	Code    string
	Message Message
}

func (e *KindError) Error() string { return e.Message.EN }
func (e *KindError) Unwrap() error { return e.Kind }

// Errorf returns a *KindError of the given kind.
func Errorf(kind error, code, vi, en string) *KindError {
	return &KindError{Kind: kind, Code: code, Message: Message{VI: vi, EN: en}}
}
