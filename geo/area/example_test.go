package area_test

import (
	"fmt"

	"github.com/phusong/phusong/geo/area"
)

// Area 7 (points 1–10) split, the larger part keeping 7; area 9 grew.
func ExampleAssign() {
	prev := []area.Previous{
		{ID: 7, Points: []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{ID: 9, Points: []int64{20, 21}},
	}
	next := [][]int64{{1, 2, 3}, {4, 5, 6, 7, 8, 9, 10}, {20, 21, 22}}
	id := int64(11)
	ids, changes, err := area.Assign(prev, next, func() (int64, error) { id++; return id - 1, nil })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ids)
	for _, c := range changes {
		fmt.Println(c.Kind, c.ID, c.Reason.EN)
	}
	// Output:
	// [11 7 9]
	// split 7 Smaller parts split off as #11; 3 points fewer.
	// grown 9 1 point added.
	// new 11 New area, split off from #7 (3 points).
}

func ExampleProjection() {
	p, err := area.ProjectionFor("14") // Sơn La: TM-3 meridian 104°E
	if err != nil {
		fmt.Println(err)
		return
	}
	x, y := p.Forward(p.Inverse(500000, 2400000))
	fmt.Printf("%.0f°E: %.3f %.3f\n", p.Meridian, x, y)
	// Output: 104°E: 500000.000 2400000.000
}
