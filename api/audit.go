package api

import (
	"math"

	"github.com/gofiber/fiber/v2"

	"github.com/phusong/phusong/api/auth"
)

// listAudit serves GET /api/v1/audit?object_type=&object_id=&user=&action=&from=&to=&before_id=&limit=
// (from/to RFC 3339), newest first.
func (h *handler) listAudit(c *fiber.Ctx) error {
	q := newListQuery(c)
	f := auth.AuditFilter{
		ObjectType: c.Query("object_type"),
		ObjectID:   c.Query("object_id"),
		Actor:      c.Query("user"),
		Action:     c.Query("action"),
		From:       q.Time("from"),
		To:         q.Time("to"),
		BeforeID:   q.Int("before_id", 0, 0, math.MaxInt64),
		Limit:      int(q.Int("limit", auth.DefaultAuditPage, 1, auth.MaxAuditPage)),
	}
	if err := q.Err(); err != nil {
		return err
	}
	rows, err := h.d.Auth.Audit(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entries": rows})
}
