package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/api/auth"
)

// listAudit serves GET /api/v1/audit?object_type=&object_id=&user=&action=&from=&to=&before_id=&limit=
// (from/to RFC 3339), newest first.
func (h *handler) listAudit(c *fiber.Ctx) error {
	f := auth.AuditFilter{
		ObjectType: c.Query("object_type"),
		ObjectID:   c.Query("object_id"),
		Actor:      c.Query("user"),
		Action:     c.Query("action"),
	}
	var probs []phusong.Problem
	parseTime := func(name string, dst *time.Time) {
		if v := c.Query(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				probs = append(probs, phusong.Problem{Column: name, Code: "bad_time", Value: v,
					VI: "Thời điểm phải theo RFC 3339, ví dụ 2026-11-23T08:00:00+07:00.",
					EN: "Times are RFC 3339, e.g. 2026-11-23T08:00:00+07:00."})
			}
			*dst = t
		}
	}
	parseInt := func(name string, dst *int64) {
		if v := c.Query(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				probs = append(probs, phusong.Problem{Column: name, Code: "bad_number", Value: v,
					VI: "Phải là số nguyên không âm.", EN: "Must be a non-negative whole number."})
			}
			*dst = n
		}
	}
	parseTime("from", &f.From)
	parseTime("to", &f.To)
	parseInt("before_id", &f.BeforeID)
	var limit int64
	parseInt("limit", &limit)
	f.Limit = int(limit)
	if len(probs) > 0 {
		return phusong.Invalid("bad_query", "Tham số truy vấn chưa hợp lệ.", "Invalid query parameters.", probs...)
	}
	rows, err := h.d.Auth.Audit(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entries": rows})
}
