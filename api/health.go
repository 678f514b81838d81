package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthz says the process is up; it touches nothing else.
func (h *handler) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz says whether the service can do its work: the database answers
// and its schema is the one this binary knows.
func (h *handler) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	if h.d.Ready != nil {
		if err := h.d.Ready(ctx); err != nil {
			_, code, msg, _ := statusOf(err)
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "code": code,
				"message_vi": msg.VI, "message_en": msg.EN})
		}
	}
	out := fiber.Map{"status": "ok"}
	// Serving does not wait for the tile snapshots (a request builds its
	// province's when missing); this says whether the start-up reads are over.
	if h.d.Tiles != nil {
		out["tiles_warm"] = h.d.Tiles.Warmed()
	}
	return c.JSON(out)
}
