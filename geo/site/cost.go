package site

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sync"
)

//go:embed costs.json
var defaultCostsJSON []byte

// Costs is the cost table that prices a site, in VND. It is data, not code:
// the defaults are the embedded costs.json (DefaultCosts); another table is
// read with LoadCosts. The *_note fields of the file are documentation and
// are carried along so that an API can show them.
type Costs struct {
	Version  string `json:"version"`
	Currency string `json:"currency"` // always "VND"
	Note     string `json:"note,omitempty"`

	// TowerBuild is the build cost of one site by terrain class (flat,
	// hilly, mountainous).
	TowerBuild     map[string]int64 `json:"tower_build"`
	TowerBuildNote string           `json:"tower_build_note,omitempty"`

	// GridConnection is paid by a site that serves a village with grid
	// power; SolarBattery by one that serves none.
	GridConnection     int64  `json:"grid_connection"`
	GridConnectionNote string `json:"grid_connection_note,omitempty"`
	SolarBattery       int64  `json:"solar_battery"`
	SolarBatteryNote   string `json:"solar_battery_note,omitempty"`

	// Backhaul is the link to the existing network, by kind (microwave,
	// satellite). A site uses microwave when an existing signal lies within
	// MicrowaveReach metres of it.
	Backhaul       map[string]int64 `json:"backhaul"`
	BackhaulNote   string           `json:"backhaul_note,omitempty"`
	MicrowaveReach float64          `json:"microwave_reach_m"`

	// OperatingPerYear holds yearly operating costs: "base" for every site,
	// plus "solar" for an off-grid site and the backhaul kind's own line.
	OperatingPerYear     map[string]int64 `json:"operating_per_year"`
	OperatingPerYearNote string           `json:"operating_per_year_note,omitempty"`

	// SubsidyYears is the number of years of operating cost counted.
	SubsidyYears     int    `json:"subsidy_years"`
	SubsidyYearsNote string `json:"subsidy_years_note,omitempty"`
}

// Power supplies of a site.
const (
	PowerGrid  = "grid"
	PowerSolar = "solar"
)

// Backhaul kinds of a site.
const (
	Microwave = "microwave"
	Satellite = "satellite"
)

// Cost is what a site, or the sites of an area, cost in VND: the one-off
// build items and the operating cost over the subsidy term.
type Cost struct {
	Tower     int64 `json:"tower"`
	Power     int64 `json:"power"`     // grid connection or solar + battery
	Backhaul  int64 `json:"backhaul"`  // microwave link or satellite terminal
	Operating int64 `json:"operating"` // yearly operating cost × subsidy years
	Total     int64 `json:"total"`
}

// Add returns the item-wise sum of c and o.
func (c Cost) Add(o Cost) Cost {
	return Cost{
		Tower:     c.Tower + o.Tower,
		Power:     c.Power + o.Power,
		Backhaul:  c.Backhaul + o.Backhaul,
		Operating: c.Operating + o.Operating,
		Total:     c.Total + o.Total,
	}
}

var defaultCosts = sync.OnceValues(func() (Costs, error) {
	return LoadCosts(bytes.NewReader(defaultCostsJSON))
})

// DefaultCosts returns the embedded cost table (costs.json). An error means
// the embedded file is broken, which only a broken build can cause.
func DefaultCosts() (Costs, error) {
	c, err := defaultCosts()
	return c.clone(), err
}

// LoadCosts reads a cost table in the format of costs.json and checks it:
// every terrain class and backhaul kind priced, no negative amount, a
// positive microwave reach. Unknown fields are refused, so a misspelt key
// does not silently price an item at zero.
func LoadCosts(r io.Reader) (Costs, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var c Costs
	if err := dec.Decode(&c); err != nil {
		return Costs{}, fmt.Errorf("site: read cost table: %w", err)
	}
	if err := c.Validate(); err != nil {
		return Costs{}, err
	}
	return c, nil
}

// Validate reports the first thing wrong with the table.
func (c Costs) Validate() error {
	if c.Currency != "VND" {
		return fmt.Errorf("site: cost table: currency %q, want VND", c.Currency)
	}
	for _, t := range Terrains {
		if v, ok := c.TowerBuild[t]; !ok || v < 0 {
			return fmt.Errorf("site: cost table: tower_build.%s missing or negative", t)
		}
	}
	for _, k := range []string{Microwave, Satellite} {
		if v, ok := c.Backhaul[k]; !ok || v < 0 {
			return fmt.Errorf("site: cost table: backhaul.%s missing or negative", k)
		}
	}
	for _, k := range []string{"base", PowerSolar, Microwave, Satellite} {
		if v, ok := c.OperatingPerYear[k]; !ok || v < 0 {
			return fmt.Errorf("site: cost table: operating_per_year.%s missing or negative", k)
		}
	}
	if c.GridConnection < 0 || c.SolarBattery < 0 || c.SubsidyYears < 0 {
		return fmt.Errorf("site: cost table: negative grid_connection, solar_battery or subsidy_years")
	}
	if !(c.MicrowaveReach > 0) {
		return fmt.Errorf("site: cost table: microwave_reach_m must be positive")
	}
	return nil
}

func (c Costs) clone() Costs {
	c.TowerBuild = cloneMap(c.TowerBuild)
	c.Backhaul = cloneMap(c.Backhaul)
	c.OperatingPerYear = cloneMap(c.OperatingPerYear)
	return c
}

func cloneMap(m map[string]int64) map[string]int64 {
	if m == nil {
		return nil
	}
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Price returns the cost of one site standing in terrain, with the given
// power supply (PowerGrid, PowerSolar) and backhaul (Microwave, Satellite).
// An unknown terrain is priced as mountainous, the dearest class.
func (c Costs) Price(terrain, power, backhaul string) Cost {
	var out Cost
	var ok bool
	if out.Tower, ok = c.TowerBuild[terrain]; !ok {
		out.Tower = c.TowerBuild[Mountainous]
	}
	yearly := c.OperatingPerYear["base"]
	if power == PowerSolar {
		out.Power = c.SolarBattery
		yearly += c.OperatingPerYear[PowerSolar]
	} else {
		out.Power = c.GridConnection
	}
	out.Backhaul = c.Backhaul[backhaul]
	yearly += c.OperatingPerYear[backhaul]
	out.Operating = yearly * int64(c.SubsidyYears)
	out.Total = out.Tower + out.Power + out.Backhaul + out.Operating
	return out
}

// Terrains are the terrain classes of the survey file, flattest first.
var Terrains = []string{Flat, Hilly, Mountainous}

// Terrain classes (the survey file's terrain column).
const (
	Flat        = "flat"
	Hilly       = "hilly"
	Mountainous = "mountainous"
)

func knownTerrain(t string) bool { return slices.Contains(Terrains, t) }
