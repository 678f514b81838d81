package site_test

import (
	"fmt"

	"github.com/phusong/phusong/geo/site"
)

func ExampleWeights_Score() {
	s := site.DefaultWeights.Score(site.Summary{
		Points: 8, Households: 240, Sites: 2, TrangSong: 6, PublicFacilities: 1, DBKK: 8,
	})
	fmt.Printf("%.1f\n", s.Value)
	for _, t := range s.Terms {
		fmt.Printf("%-19s raw %6.2f × %.2f → %5.2f\n", t.Name, t.Raw, t.Weight, t.Contribution)
	}
	// Output:
	// 66.8
	// households_per_site raw 120.00 × 0.35 → 28.00
	// trang_song_share    raw   0.75 × 0.25 → 18.75
	// public_facilities   raw   1.00 × 0.15 →  5.00
	// dbkk_share          raw   1.00 × 0.15 → 15.00
	// border              raw   0.00 × 0.10 →  0.00
}

func ExampleCosts_Price() {
	c, err := site.DefaultCosts()
	if err != nil {
		fmt.Println(err)
		return
	}
	p := c.Price(site.Mountainous, site.PowerSolar, site.Satellite)
	fmt.Printf("tower %d, power %d, backhaul %d, operating %d, total %d VND\n", p.Tower, p.Power, p.Backhaul, p.Operating, p.Total)
	// Output: tower 2000000000, power 450000000, backhaul 350000000, operating 1700000000, total 4500000000 VND
}
