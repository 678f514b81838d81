package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// AuditRow is one row of the audit trail.
type AuditRow struct {
	ID           int64           `json:"id"`
	At           time.Time       `json:"at"`
	ActorID      *int64          `json:"actor_id,omitempty"`
	ActorName    string          `json:"actor"`
	ActorRole    string          `json:"actor_role,omitempty"`
	Action       string          `json:"action"`
	ObjectType   string          `json:"object_type"`
	ObjectID     string          `json:"object_id,omitempty"`
	ProvinceCode *string         `json:"province_code,omitempty"`
	Before       json.RawMessage `json:"before,omitempty"`
	After        json.RawMessage `json:"after,omitempty"`
	RequestID    string          `json:"request_id,omitempty"`
	ClientAddr   string          `json:"client_addr,omitempty"`
}

// DefaultAuditPage and MaxAuditPage bound a page of Audit.
const (
	DefaultAuditPage = 100
	MaxAuditPage     = 1000
)

// AuditFilter selects audit rows; zero fields do not filter. Rows come
// newest first; BeforeID pages backwards.
type AuditFilter struct {
	ObjectType, ObjectID, Actor, Action string
	From, To                            time.Time
	BeforeID                            int64
	Limit                               int
}

// Audit lists audit rows. Only admins and reviewers reach it (route policy).
func (s *Store) Audit(ctx context.Context, f AuditFilter) ([]AuditRow, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.ObjectType != "" {
		add("object_type = $%d", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = $%d", f.ObjectID)
	}
	if f.Actor != "" {
		add("actor_name = $%d", f.Actor)
	}
	if f.Action != "" {
		add("action = $%d", f.Action)
	}
	if !f.From.IsZero() {
		add("at >= $%d", f.From)
	}
	if !f.To.IsZero() {
		add("at < $%d", f.To)
	}
	if f.BeforeID > 0 {
		add("id < $%d", f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > MaxAuditPage {
		f.Limit = DefaultAuditPage
	}
	q := `SELECT id, at, actor_id, actor_name, actor_role, action, object_type, object_id, province_code,
	             before, after, request_id, client_addr FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, f.Limit)
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT $%d", len(args))
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("auth: audit: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AuditRow, error) {
		var a AuditRow
		err := r.Scan(&a.ID, &a.At, &a.ActorID, &a.ActorName, &a.ActorRole, &a.Action, &a.ObjectType, &a.ObjectID,
			&a.ProvinceCode, &a.Before, &a.After, &a.RequestID, &a.ClientAddr)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("auth: audit: %w", err)
	}
	return out, nil
}
