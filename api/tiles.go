package api

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/phusong/phusong/geo/tile"
)

const mimeMVT = "application/vnd.mapbox-vector-tile"

// tileOf serves GET /tiles/{layer}/{z}/{x}/{y}.mvt; layer "" takes the
// layer from the path (the private layers), a name fixes it (the public
// reference layers have routes of their own, with the public policy).
func (h *handler) tileOf(layer string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if layer == "" {
			layer := c.Params("layer")
			if tile.Public(layer) {
				// Served by its own public route; reaching here means a
				// path like /tiles/provinces/… that did not match it.
				return tile.ErrBadTile
			}
			return h.serveTile(c, layer)
		}
		return h.serveTile(c, layer)
	}
}

func (h *handler) serveTile(c *fiber.Ctx, layer string) error {
	z, ez := strconv.ParseUint(c.Params("z"), 10, 32)
	x, ex := strconv.ParseUint(c.Params("x"), 10, 32)
	y, ey := strconv.ParseUint(c.Params("y"), 10, 32)
	if ez != nil || ex != nil || ey != nil {
		return tile.ErrBadTile
	}
	t, err := h.d.Tiles.Tile(c.UserContext(), tile.Request{Layer: layer, Z: uint32(z), X: uint32(x), Y: uint32(y),
		IfNoneMatch: c.Get(fiber.HeaderIfNoneMatch)})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, t.ETag)
	// Private tiles depend on who asks: browsers may keep them but must
	// ask again (a cheap 304 while the data version stands).
	if t.Public {
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	} else {
		c.Set(fiber.HeaderCacheControl, "private, no-cache")
		c.Vary(fiber.HeaderAuthorization, fiber.HeaderCookie)
	}
	c.Vary(fiber.HeaderAcceptEncoding)
	if t.NotModified {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, mimeMVT)
	if strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(t.Gzipped())
	}
	return c.Send(t.Raw)
}

// syncTiles reads the tile data versions again after every write this
// server made, before the response leaves: the writer's next tile request
// then sees the change, without waiting for the notification.
func (h *handler) syncTiles(c *fiber.Ctx) error {
	err := c.Next()
	if err != nil || safeMethod(c.Method()) || c.Response().StatusCode() >= 400 {
		return err
	}
	if serr := h.d.Tiles.Sync(context.WithoutCancel(c.UserContext())); serr != nil {
		h.d.Log.Warn("tile versions", "error", serr)
	}
	return nil
}
