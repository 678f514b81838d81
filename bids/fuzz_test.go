package bids

import (
	"encoding/json"
	"testing"
)

// FuzzRule feeds arbitrary JSON rules (the body reviewers send) through
// decoding, validation and planning: no panic, and a rule that validates
// always gives a partition of the areas (each in one package or excluded),
// packages within one province, and caps kept unless a package holds one
// area.
func FuzzRule(f *testing.F) {
	for _, s := range []string{
		`{"mode":"province"}`, `{"mode":"cap","cap_kind":"sites","cap":3}`, `{"mode":"cap","cap_kind":"value","cap":1e10,"min_score":20}`,
		`{"mode":"cap","cap_kind":"households","cap":0.5,"require_dbkk":true,"require_grid":true,"province":"12"}`,
		`{"mode":"cap","cap":-1}`, `{"province":"1x"}`, `{}`, `[]`, `{"cap":1e309}`,
	} {
		f.Add([]byte(s))
	}
	cands := []Candidate{cand(1, "12", 103, 22, 2), cand(2, "12", 103.1, 22, 5), cand(3, "08", 105, 22, 1), cand(4, "08", 105, 22, 1), cand(5, "12", 103, 22.4, 3)}
	cands[1].DBKK, cands[2].GridPower, cands[4].Score = 0, 0, 30
	f.Fuzz(func(t *testing.T, body []byte) {
		var r Rule
		if json.Unmarshal(body, &r) != nil || r.Validate() != nil {
			return
		}
		pkgs, excl := Plan(cands, r)
		seen := map[int64]int{}
		for _, p := range pkgs {
			var sum float64
			for _, a := range p.Areas {
				seen[a.ID]++
				sum += capValue(a, r.CapKind)
				if a.Province != p.Province {
					t.Fatalf("area %d of %s in a package of %s", a.ID, a.Province, p.Province)
				}
			}
			if r.Mode == "cap" && len(p.Areas) > 1 && sum > r.Cap {
				t.Fatalf("package over the cap %v: %v", r.Cap, sum)
			}
		}
		for _, x := range excl {
			seen[x.AreaID]++
		}
		for _, c := range cands {
			if (r.Province == "" || c.Province == r.Province) && seen[c.ID] != 1 {
				t.Fatalf("area %d placed %d times under %+v", c.ID, seen[c.ID], r)
			}
		}
	})
}
