package phusong

import (
	"context"
	"encoding/json"
)

// AuditSQL writes one audit row through the database function that every
// package uses (migrations/00005_audit.sql). Run it with AuditEntry.Args in
// the same transaction as the change it records.
const AuditSQL = `SELECT audit_write($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`

// AuditEntry describes one change of state. Before and After are small
// summaries (marshalled to JSON), not whole objects.
type AuditEntry struct {
	Action       string // e.g. "login", "user.create", "submission.create"
	ObjectType   string // e.g. "user", "submission"
	ObjectID     string
	ProvinceCode string
	Before       any
	After        any
}

// Args returns the arguments of AuditSQL for this entry, taking the actor,
// request id and client address from ctx (the system actor when ctx has none).
func (e AuditEntry) Args(ctx context.Context) []any {
	a, ok := ActorFrom(ctx)
	if !ok {
		a = System
	}
	var id *int64
	if a.UserID != 0 {
		id = &a.UserID
	}
	var province *string
	if e.ProvinceCode != "" {
		province = &e.ProvinceCode
	}
	return []any{id, a.Username, string(a.Role), e.Action, e.ObjectType, e.ObjectID, province,
		jsonOrNil(e.Before), jsonOrNil(e.After), a.RequestID, a.ClientAddr}
}

func jsonOrNil(v any) []byte {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		// Summaries are plain maps and structs; a value that cannot be
		// marshalled is recorded as such rather than failing the change.
		b, _ = json.Marshal(map[string]string{"unrecordable": err.Error()})
	}
	return b
}
