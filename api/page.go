package api

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/phusong/phusong/web"
)

func (h *handler) page(c *fiber.Ctx) error { return serveFile(c, "index.html") }

func (h *handler) static(c *fiber.Ctx) error {
	name := path.Clean(c.Params("*"))
	if name == "." || strings.HasPrefix(name, "..") {
		return fiber.ErrNotFound
	}
	return serveFile(c, name)
}

// serveFile serves an embedded file with an ETag of its content, so a
// browser revalidates cheaply.
func serveFile(c *fiber.Ctx, name string) error {
	b, err := fs.ReadFile(web.FS, name)
	if err != nil {
		return fiber.ErrNotFound
	}
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.Set(fiber.HeaderContentType, ct)
	return c.Send(b)
}
