package area_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/phusong/phusong/geo/area"
)

// span returns the point ids lo … hi.
func span(lo, hi int64) []int64 {
	var out []int64
	for i := lo; i <= hi; i++ {
		out = append(out, i)
	}
	return out
}

func join(a ...[]int64) []int64 {
	var out []int64
	for _, x := range a {
		out = append(out, x...)
	}
	return out
}

// brief renders a change list as "kind id [details]" lines.
func brief(cs []area.Change) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s %d", c.Kind, c.ID)
		if c.Added > 0 {
			fmt.Fprintf(&b, " +%d", c.Added)
		}
		if c.Dropped > 0 {
			fmt.Fprintf(&b, " -%d", c.Dropped)
		}
		if len(c.MergedFrom) > 0 {
			fmt.Fprintf(&b, " from%v", c.MergedFrom)
		}
		if c.MergedInto != 0 {
			fmt.Fprintf(&b, " into %d", c.MergedInto)
		}
		if len(c.SplitFrom) > 0 {
			fmt.Fprintf(&b, " splitfrom%v", c.SplitFrom)
		}
		if len(c.SplitInto) > 0 {
			fmt.Fprintf(&b, " splitinto%v", c.SplitInto)
		}
		b.WriteString("; ")
	}
	return strings.TrimSuffix(b.String(), "; ")
}

func TestAssign(t *testing.T) {
	tests := []struct {
		name    string
		prev    []area.Previous
		next    [][]int64
		ids     []int64
		changes string
	}{
		{"first run", nil, [][]int64{span(1, 3), span(4, 4)}, []int64{100, 101},
			"new 100 +3; new 101 +1"},
		{"unchanged", []area.Previous{{7, span(1, 3)}}, [][]int64{span(1, 3)}, []int64{7},
			"kept 7"},
		{"grown keeps its id", []area.Previous{{7, span(1, 3)}}, [][]int64{span(1, 5)}, []int64{7},
			"grown 7 +2"},
		{"shrunk keeps its id", []area.Previous{{7, span(1, 5)}}, [][]int64{span(1, 3)}, []int64{7},
			"shrunk 7 -2"},
		{"gained and lost", []area.Previous{{7, span(1, 5)}}, [][]int64{join(span(2, 5), span(9, 9))}, []int64{7},
			"changed 7 +1 -1"},
		{"merge keeps the oldest id", []area.Previous{{9, span(1, 3)}, {4, span(4, 5)}, {6, span(6, 6)}},
			[][]int64{join(span(1, 6), span(20, 21))}, []int64{4},
			"merged 4 +2 from[6 9]; removed 6 -1 into 4; removed 9 -3 into 4"},
		{"split keeps the id on the largest part", []area.Previous{{7, span(1, 10)}},
			[][]int64{span(1, 3), span(4, 10)}, []int64{100, 7},
			"split 7 -3 splitinto[100]; new 100 +3 splitfrom[7]"},
		{"split in three", []area.Previous{{7, span(1, 10)}},
			[][]int64{span(1, 2), span(3, 8), span(9, 10)}, []int64{100, 7, 101},
			"split 7 -4 splitinto[100 101]; new 100 +2 splitfrom[7]; new 101 +2 splitfrom[7]"},
		{"even split goes to the larger new area", []area.Previous{{7, span(1, 4)}},
			[][]int64{join(span(1, 2)), join(span(3, 4), span(30, 31))}, []int64{100, 7},
			"split 7 +2 -2 splitinto[100]; new 100 +2 splitfrom[7]"},
		{"even split, same size: first listed", []area.Previous{{7, span(1, 4)}},
			[][]int64{span(1, 2), span(3, 4)}, []int64{7, 100},
			"split 7 -2 splitinto[100]; new 100 +2 splitfrom[7]"},
		{"all points gone", []area.Previous{{7, span(1, 3)}, {8, span(4, 5)}}, [][]int64{span(4, 5)}, []int64{8},
			"kept 8; removed 7 -3"},
		{"merge and split at once", []area.Previous{{3, span(1, 6)}, {5, span(7, 8)}},
			// 3 splits: 1-2 go with all of 5, 3-6 stay.
			[][]int64{join(span(1, 2), span(7, 8)), span(3, 6)}, []int64{5, 3},
			"split 3 -2 splitinto[5]; grown 5 +2"},
		{"minor parts of two areas make a new one", []area.Previous{{3, span(1, 5)}, {5, span(6, 10)}},
			[][]int64{span(1, 4), span(7, 10), join(span(5, 5), span(6, 6))}, []int64{3, 5, 100},
			"split 3 -1 splitinto[100]; split 5 -1 splitinto[100]; new 100 +2 splitfrom[3 5]"},
		{"merged, and a part of one split off", []area.Previous{{3, span(1, 4)}, {5, span(5, 10)}},
			[][]int64{span(2, 10), span(1, 1)}, []int64{3, 100},
			"merged 3 -1 from[5] splitinto[100]; new 100 +1 splitfrom[3]; removed 5 -6 into 3"},
		{"nothing left at all", []area.Previous{{7, span(1, 3)}}, nil, nil,
			"removed 7 -3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next := int64(100)
			alloc := func() (int64, error) { next++; return next - 1, nil }
			ids, changes, err := area.Assign(tc.prev, tc.next, alloc)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, tc.ids) {
				t.Errorf("ids: got %v, want %v", ids, tc.ids)
			}
			if got := brief(changes); got != tc.changes {
				t.Errorf("changes:\n got %s\nwant %s", got, tc.changes)
			}
			for _, c := range changes {
				if c.Reason.VI == "" || c.Reason.EN == "" {
					t.Errorf("change %s %d has no reason in both languages: %+v", c.Kind, c.ID, c.Reason)
				}
			}
		})
	}
}

func TestAssignReason(t *testing.T) {
	next := int64(100)
	alloc := func() (int64, error) { next++; return next - 1, nil }
	_, changes, err := area.Assign([]area.Previous{{9, span(1, 3)}, {4, span(4, 5)}}, [][]int64{span(1, 6)}, alloc)
	if err != nil {
		t.Fatal(err)
	}
	want := "Merged with #9; 1 point added."
	if got := changes[0].Reason.EN; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := changes[0].Reason.VI; got != "Gộp với #9; thêm 1 điểm." {
		t.Errorf("got %q", got)
	}
}

// TestAssignReasonCounts: English reasons say "1 point", "2 points".
func TestAssignReasonCounts(t *testing.T) {
	tests := []struct {
		name string
		prev []area.Previous
		next [][]int64
		id   int64 // the change whose reason is checked
		want string
	}{
		{"new, one point", nil, [][]int64{{1}}, 100, "New area of 1 newly accepted point."},
		{"new, two points", nil, [][]int64{{1, 2}}, 100, "New area of 2 newly accepted points."},
		{"split off, one point", []area.Previous{{7, span(1, 4)}}, [][]int64{span(1, 3), {4}}, 100, "New area, split off from #7 (1 point)."},
		{"removed, one point", []area.Previous{{5, []int64{1}}}, nil, 5, "No point is left in the area (1 point withdrawn or returned)."},
		{"removed, two points", []area.Previous{{5, span(1, 2)}}, nil, 5, "No point is left in the area (2 points withdrawn or returned)."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next := int64(100)
			_, changes, err := area.Assign(tc.prev, tc.next, func() (int64, error) { next++; return next - 1, nil })
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range changes {
				if c.ID == tc.id {
					if c.Reason.EN != tc.want {
						t.Errorf("got %q, want %q", c.Reason.EN, tc.want)
					}
					return
				}
			}
			t.Fatalf("no change of area %d: %+v", tc.id, changes)
		})
	}
}

func TestAssignAllocError(t *testing.T) {
	boom := errors.New("sequence gone")
	_, _, err := area.Assign(nil, [][]int64{{1}}, func() (int64, error) { return 0, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want %v", err, boom)
	}
}
