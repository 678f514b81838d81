package auth

import (
	"fmt"
	"testing"
	"time"
)

// TestLoginLimiter: MaxFailures failures lock a name for LockFor, failures
// further apart than LockFor start the count again, forget clears a name,
// and the limiter never holds more than its maximum of names.
func TestLoginLimiter(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	failAt := func(l *loginLimiter, name string, at ...time.Duration) {
		for _, d := range at {
			l.fail(name, t0.Add(d))
		}
	}
	min := time.Minute
	tests := []struct {
		name       string
		failures   []time.Duration // offsets from t0
		forget     bool
		at         time.Duration
		wantLocked bool
	}{
		{"four failures", []time.Duration{0, 1, 2, 3}, false, 4 * min, false},
		{"five failures", []time.Duration{0, 1, 2, 3, 4}, false, 5 * min, true},
		{"still locked just before LockFor", []time.Duration{0, 1, 2, 3, 4}, false, LockFor - 1, true},
		{"unlocked after LockFor", []time.Duration{0, 1, 2, 3, 4}, false, LockFor + 4, false},
		{"failures LockFor apart are not in a row", []time.Duration{0, 1 * LockFor, 2 * LockFor, 3 * LockFor, 4 * LockFor}, false, 4 * LockFor, false},
		{"after a lock, the count starts again", []time.Duration{0, 1, 2, 3, 4, LockFor + 5}, false, LockFor + 6, false},
		{"forgotten", []time.Duration{0, 1, 2, 3, 4}, true, 5 * min, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLoginLimiter(10)
			failAt(l, "someone", tc.failures...)
			if tc.forget {
				l.forget("someone")
			}
			if got := l.locked("someone", t0.Add(tc.at)); got != tc.wantLocked {
				t.Fatalf("locked: got %v, want %v", got, tc.wantLocked)
			}
			if l.locked("someone-else", t0.Add(tc.at)) {
				t.Fatal("another name is locked")
			}
		})
	}

	t.Run("bounded", func(t *testing.T) {
		l := newLoginLimiter(100)
		failAt(l, "target", 0, 1, 2, 3, 4)
		for i := range 99 {
			l.fail(fmt.Sprintf("random-%d", i), t0)
		}
		if !l.locked("target", t0) || l.len() != 100 {
			t.Fatalf("with 100 names: target locked %v, %d entries; want true, 100", l.locked("target", t0), l.len())
		}
		for i := range 1000 {
			l.fail(fmt.Sprintf("other-%d", i), t0)
			if n := l.len(); n > 100 {
				t.Fatalf("after %d more names: %d entries, want at most 100", i+1, n)
			}
		}
		if l.locked("target", t0) {
			t.Fatal("the least recently failed name was not the one forgotten")
		}
	})
}
