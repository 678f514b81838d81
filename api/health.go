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
	if h.d.Ready == nil {
		return c.JSON(fiber.Map{"status": "ok"})
	}
	if err := h.d.Ready(ctx); err != nil {
		_, code, msg, _ := statusOf(err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "code": code,
			"message_vi": msg.VI, "message_en": msg.EN})
	}
	return c.JSON(fiber.Map{"status": "ok"})
}
