package tile

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"sync"
)

// Encoded is one encoded tile, shared by the cache and its readers; its
// bytes never change. Gzipped is computed on first use and kept.
type Encoded struct {
	Raw    []byte
	gzOnce sync.Once
	gz     []byte
}

// Gzipped returns the tile gzip-compressed (for Accept-Encoding: gzip).
func (e *Encoded) Gzipped() []byte {
	e.gzOnce.Do(func() {
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed) // the level is valid: no error
		_, _ = w.Write(e.Raw)                           // writes to memory cannot fail
		_ = w.Close()
		e.gz = b.Bytes()
	})
	return e.gz
}

func (e *Encoded) size() int { return len(e.Raw) + len(e.gz) + 64 }

// lru is a least-recently-used cache of encoded tiles bounded in bytes.
// Keys carry the data version, so entries are never invalidated: stale
// ones stop being asked for and fall off the end.
type lru struct {
	mu    sync.Mutex
	max   int
	used  int
	order *list.List // front: most recent
	items map[string]*list.Element
}

type lruItem struct {
	key string
	e   *Encoded
	n   int
}

func newLRU(maxBytes int) *lru {
	return &lru{max: maxBytes, order: list.New(), items: map[string]*list.Element{}}
}

func (c *lru) get(key string) (*Encoded, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruItem).e, true
}

func (c *lru) add(key string, e *Encoded) {
	if c == nil {
		return
	}
	n := e.size() + len(key)
	if n > c.max/8 {
		return // one tile must not flush the cache
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&lruItem{key: key, e: e, n: n})
	c.used += n
	for c.used > c.max {
		el := c.order.Back()
		it := el.Value.(*lruItem)
		c.order.Remove(el)
		delete(c.items, it.key)
		c.used -= it.n
	}
}
