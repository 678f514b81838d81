package auth

import (
	"errors"
	"testing"
	"time"

	"github.com/phusong/phusong"
)

// TestTokenMayCreate: the lifetime rule of CreateToken, including the
// bounds (a token may expire exactly with its parent) and a parent with
// less than a day left.
func TestTokenMayCreate(t *testing.T) {
	now := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	day := 24 * time.Hour
	tests := []struct {
		name   string
		caller Credential
		exp    *time.Time
		ok     bool
	}{
		{"session, never", Credential{}, nil, true},
		{"session, a year", Credential{}, at(365 * day), true},
		{"permanent token, never", Credential{Token: true}, nil, false},
		{"permanent token, a year", Credential{Token: true}, at(365 * day), true},
		{"10-day token, never", Credential{Token: true, ExpiresAt: at(10 * day)}, nil, false},
		{"10-day token, same expiry", Credential{Token: true, ExpiresAt: at(10 * day)}, at(10 * day), true},
		{"10-day token, a second later", Credential{Token: true, ExpiresAt: at(10 * day)}, at(10*day + time.Second), false},
		{"1-hour token, a day", Credential{Token: true, ExpiresAt: at(time.Hour)}, at(day), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tokenMayCreate(tc.caller, tc.exp, now)
			if (err == nil) != tc.ok {
				t.Fatalf("got %v, want ok %v", err, tc.ok)
			}
			var ke *phusong.KindError
			if err != nil && (!errors.As(err, &ke) || !errors.Is(err, phusong.ErrForbidden) || ke.Message.VI == "" || ke.Message.EN == "") {
				t.Fatalf("got %#v, want a bilingual ErrForbidden", err)
			}
		})
	}
}
