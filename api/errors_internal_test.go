package api

import (
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestStatusOfBadText: text PostgreSQL refuses (a NUL in text or jsonb)
// that got past the input checks is still the caller's 400, not a 500.
func TestStatusOfBadText(t *testing.T) {
	tests := []struct {
		sqlstate string
		status   int
	}{
		{"22021", 400}, // invalid byte sequence for encoding "UTF8": 0x00
		{"22P05", 400}, // unsupported Unicode escape sequence (\u0000 in jsonb)
		{"23505", 500}, // unique violation, unmapped by its store: a bug
	}
	for _, tc := range tests {
		t.Run(tc.sqlstate, func(t *testing.T) {
			err := fmt.Errorf("store: save: %w", &pgconn.PgError{Code: tc.sqlstate})
			if got, code, msg, _ := statusOf(err); got != tc.status || msg.VI == "" || msg.EN == "" {
				t.Fatalf("got %d %s %v, want %d", got, code, msg, tc.status)
			}
		})
	}
}
