package auth

import (
	"container/list"
	"crypto/sha256"
	"sync"
	"time"
)

// maxLoginNames bounds the lockout limiter: about 100 bytes per name, so at
// most ~10 MB however many different usernames are tried.
const maxLoginNames = 100_000

// loginLimiter counts failed logins per submitted username, whether or not
// an account of that name exists: if only real accounts could lock, a
// locked answer (429) would tell an attacker which usernames exist.
//
// It lives in memory, per process. Names are kept least recently failed
// first and the oldest is forgotten past max entries, so random usernames
// cannot grow it without limit; forgetting a name only gives it its
// MaxFailures attempts again, and pushing a real name out takes max other
// names, far more than the per-address login limit lets one client try
// within LockFor. A restart, or each of several replicas, starts counting
// afresh, for every name alike.
type loginLimiter struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *loginEntry, most recent failure first
	names map[[32]byte]*list.Element
}

type loginEntry struct {
	key         [32]byte
	failures    int
	lastFailure time.Time
	lockedUntil time.Time
}

func newLoginLimiter(max int) *loginLimiter {
	return &loginLimiter{max: max, order: list.New(), names: map[[32]byte]*list.Element{}}
}

// nameKey hashes a normalized username so every entry has the same size,
// however long the submitted name.
func nameKey(username string) [32]byte { return sha256.Sum256([]byte(username)) }

// locked reports whether username is locked at now.
func (l *loginLimiter) locked(username string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	el, ok := l.names[nameKey(username)]
	return ok && now.Before(el.Value.(*loginEntry).lockedUntil)
}

// fail records a failed login; the MaxFailures-th failure in a row locks
// the name for LockFor. Failures further apart than LockFor are not "in a
// row": the count starts again, so an old entry needs no sweep to stop
// mattering.
func (l *loginLimiter) fail(username string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := nameKey(username)
	el, ok := l.names[k]
	if !ok {
		if l.order.Len() >= l.max {
			oldest := l.order.Back()
			delete(l.names, oldest.Value.(*loginEntry).key)
			l.order.Remove(oldest)
		}
		el = l.order.PushFront(&loginEntry{key: k})
		l.names[k] = el
	}
	e := el.Value.(*loginEntry)
	if now.Sub(e.lastFailure) >= LockFor && !now.Before(e.lockedUntil) {
		e.failures = 0
	}
	e.failures++
	e.lastFailure = now
	if e.failures >= MaxFailures && !now.Before(e.lockedUntil) {
		e.lockedUntil = now.Add(LockFor)
	}
	l.order.MoveToFront(el)
}

// forget clears username's failures: after a successful login or a new
// password.
func (l *loginLimiter) forget(username string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := nameKey(username)
	if el, ok := l.names[k]; ok {
		l.order.Remove(el)
		delete(l.names, k)
	}
}

func (l *loginLimiter) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.order.Len()
}
