package site_test

import (
	"strings"
	"testing"

	"github.com/phusong/phusong/geo/site"
)

func TestDefaultCosts(t *testing.T) {
	c, err := site.DefaultCosts()
	if err != nil {
		t.Fatal(err)
	}
	if c.Currency != "VND" || c.SubsidyYears != 5 || c.TowerBuild[site.Mountainous] <= c.TowerBuild[site.Flat] {
		t.Errorf("unexpected default table: %+v", c)
	}
	// The caller's copy is its own.
	c.TowerBuild[site.Flat] = 1
	d, _ := site.DefaultCosts()
	if d.TowerBuild[site.Flat] == 1 {
		t.Errorf("DefaultCosts shares its maps")
	}
}

func TestLoadCostsRefuses(t *testing.T) {
	good := `{"currency":"VND","tower_build":{"flat":1,"hilly":2,"mountainous":3},"grid_connection":1,"solar_battery":1,
		"backhaul":{"microwave":1,"satellite":1},"microwave_reach_m":1000,
		"operating_per_year":{"base":1,"solar":1,"microwave":1,"satellite":1},"subsidy_years":5}`
	if _, err := site.LoadCosts(strings.NewReader(good)); err != nil {
		t.Fatalf("good table refused: %v", err)
	}
	tests := []struct{ name, from, to, want string }{
		{"misspelt key", `"grid_connection"`, `"grid_conection"`, "unknown field"},
		{"missing terrain", `"flat":1,`, ``, "tower_build.flat"},
		{"negative", `"satellite":1}`, `"satellite":-1}`, "backhaul.satellite"},
		{"other currency", `"VND"`, `"USD"`, "currency"},
		{"no reach", `"microwave_reach_m":1000`, `"microwave_reach_m":0`, "microwave_reach_m"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := strings.Replace(good, tc.from, tc.to, 1)
			_, err := site.LoadCosts(strings.NewReader(in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error about %s", err, tc.want)
			}
		})
	}
}

func TestPrice(t *testing.T) {
	c, err := site.DefaultCosts()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		terrain, power, backhaul string
		want                     site.Cost
	}{
		{site.Flat, site.PowerGrid, site.Microwave, site.Cost{Tower: 1_200_000_000, Power: 150_000_000, Backhaul: 250_000_000,
			Operating: 5 * (120_000_000 + 20_000_000), Total: 1_200_000_000 + 150_000_000 + 250_000_000 + 700_000_000}},
		{site.Mountainous, site.PowerSolar, site.Satellite, site.Cost{Tower: 2_000_000_000, Power: 450_000_000, Backhaul: 350_000_000,
			Operating: 5 * (120_000_000 + 40_000_000 + 180_000_000), Total: 2_000_000_000 + 450_000_000 + 350_000_000 + 1_700_000_000}},
		{"", site.PowerGrid, site.Microwave, site.Cost{Tower: 2_000_000_000, Power: 150_000_000, Backhaul: 250_000_000,
			Operating: 700_000_000, Total: 3_100_000_000}}, // unknown terrain: priced as mountainous
	}
	for _, tc := range tests {
		t.Run(tc.terrain+"/"+tc.power+"/"+tc.backhaul, func(t *testing.T) {
			if got := c.Price(tc.terrain, tc.power, tc.backhaul); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
