package api

import (
	"math"

	"github.com/gofiber/fiber/v2"

	"github.com/phusong/phusong"
)

type provinceOut struct {
	Code     string     `json:"code"`
	Name     string     `json:"name"`
	FullName string     `json:"full_name"`
	NameEn   string     `json:"name_en"`
	BBox     [4]float64 `json:"bbox"` // minLon, minLat, maxLon, maxLat: where the map zooms for a province
}

// listProvinces serves the 34 provinces of 2025 (public reference data).
func (h *handler) listProvinces(c *fiber.Ctx) error {
	ps := h.d.Admin.Provinces()
	out := make([]provinceOut, 0, len(ps))
	for _, p := range ps {
		b := p.Boundary.Bound()
		out = append(out, provinceOut{p.Code, p.Name, p.FullName, p.NameEn,
			[4]float64{round4(b.Min[0]), round4(b.Min[1]), round4(b.Max[0]), round4(b.Max[1])}})
	}
	return c.JSON(fiber.Map{"provinces": out})
}

type communeOut struct {
	Code     string     `json:"code"`
	Name     string     `json:"name"`
	FullName string     `json:"full_name"`
	NameEn   string     `json:"name_en"`
	Kind     string     `json:"kind"`
	Point    [2]float64 `json:"point"`
}

// round4 keeps 4 decimals (about 11 m), plenty to frame a province.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

func (h *handler) listCommunes(c *fiber.Ctx) error {
	code := c.Params("code")
	if _, ok := h.d.Admin.Province(code); !ok {
		return phusong.Errorf(phusong.ErrNotFound, "province_not_found",
			"Không có tỉnh mang mã "+code+" trong danh mục 34 tỉnh, thành phố từ 2025.",
			"No province has code "+code+" among the 34 provinces of 2025.")
	}
	cs := h.d.Admin.ProvinceCommunes(code)
	out := make([]communeOut, 0, len(cs))
	for _, m := range cs {
		out = append(out, communeOut{m.Code, m.Name, m.FullName, m.NameEn, m.Kind, m.Point})
	}
	return c.JSON(fiber.Map{"province_code": code, "communes": out})
}
