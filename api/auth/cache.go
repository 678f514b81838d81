package auth

import (
	"sync"
	"time"

	"github.com/phusong/phusong"
)

// credTTL is how long an authenticated session or API token is trusted
// without asking the database again. Every request used to run an UPDATE
// (last_seen_at / last_used_at) before anything else: a write per map tile,
// with all of a script's requests queueing on the same token row. Now the
// database is asked at most every credTTL per credential; a revocation,
// logout or account change made through this process clears the cache at
// once, and one made through another replica takes effect within credTTL.
const credTTL = 5 * time.Second

// maxCreds bounds the cache; past it, it starts over.
const maxCreds = 10_000

type credEntry struct {
	actor phusong.Actor
	csrf  string
	cred  Credential
	until time.Time
}

type credCache struct {
	mu sync.Mutex
	m  map[[32]byte]credEntry
}

func newCredCache() *credCache { return &credCache{m: map[[32]byte]credEntry{}} }

func key(hash []byte) (k [32]byte) {
	copy(k[:], hash)
	return k
}

func (c *credCache) get(hash []byte, now time.Time) (credEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key(hash)]
	if !ok || now.After(e.until) {
		return credEntry{}, false
	}
	return e, true
}

func (c *credCache) put(hash []byte, e credEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCreds {
		clear(c.m)
	}
	c.m[key(hash)] = e
}

// clear forgets every credential: after a revocation, a logout or a change
// of an account (role, province, disabled, password).
func (c *credCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}
