package area

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/phusong/phusong"
)

// Previous is a stored area as identity assignment sees it: its id and the
// ids of its member survey points (survey_points.id).
type Previous struct {
	ID     int64
	Points []int64
}

// ChangeKind says what happened to an area between two computations.
type ChangeKind string

// Change kinds. Every new area gets exactly one change of the first six
// kinds; every previous id that no new area keeps gets one Removed.
const (
	Kept    ChangeKind = "kept"    // same points as before
	Grown   ChangeKind = "grown"   // kept its id and gained points, lost none
	Shrunk  ChangeKind = "shrunk"  // kept its id and lost points (withdrawn, or split off), gained none
	Merged  ChangeKind = "merged"  // kept the oldest id of the areas it joined; MergedFrom lists the others
	Split   ChangeKind = "split"   // kept its id on the largest part; SplitInto lists the ids of the other parts
	New     ChangeKind = "new"     // a new id: new points only, or a smaller part split off (SplitFrom)
	Removed ChangeKind = "removed" // a previous id no area keeps: merged into MergedInto, or all its points gone
	// Changed: kept its id, gained some points and lost others.
	Changed ChangeKind = "changed"
)

// Change is one entry of the change list that Assign returns, which the
// store writes as area versions.
type Change struct {
	Kind ChangeKind `json:"kind"`
	ID   int64      `json:"id"`
	// Index is the position of the area in the new partition, -1 for
	// Removed.
	Index      int     `json:"index"`
	Added      int     `json:"added"`   // points in none of the previous areas it inherits
	Dropped    int     `json:"dropped"` // points of the previous areas it inherits no longer in it
	MergedFrom []int64 `json:"merged_from,omitempty"`
	MergedInto int64   `json:"merged_into,omitempty"`
	SplitFrom  []int64 `json:"split_from,omitempty"`
	SplitInto  []int64 `json:"split_into,omitempty"`
	// Reason says all of it in words, for the history reviewers read.
	Reason phusong.Message `json:"reason"`
}

// Assign gives each area of a new partition an id, keeping ids stable:
//
//   - every previous area has one heir: the new area holding most of its
//     points (ties: the larger new area, then the one listed first);
//   - a new area that is the heir of one or more previous areas takes the
//     oldest (smallest) of their ids; the others are recorded as merged into
//     it, so an area that only gained points keeps its id, and a split keeps
//     the id on the part holding most of the old area;
//   - a new area that is nobody's heir gets alloc's next id: new points
//     only, or the smaller part of a split (recorded as split from the old
//     id);
//   - a previous area whose points are all gone is removed.
//
// next lists the point ids of each new area (no id in two areas). It
// returns the ids in the order of next and the changes, ordered by id,
// Removed last. It is pure: alloc is the only effect, called once per new
// id, and its error is returned as is.
func Assign(prev []Previous, next [][]int64, alloc func() (int64, error)) ([]int64, []Change, error) {
	owner := make(map[int64]int, len(prev)) // point id → index in prev
	for p, a := range prev {
		for _, id := range a.Points {
			owner[id] = p
		}
	}
	// overlap[p] maps new area index → shared points.
	overlap := make([]map[int]int, len(prev))
	for n, pts := range next {
		for _, id := range pts {
			if p, ok := owner[id]; ok {
				if overlap[p] == nil {
					overlap[p] = map[int]int{}
				}
				overlap[p][n]++
			}
		}
	}
	heir := make([]int, len(prev))
	inherits := make([][]int, len(next)) // new index → previous indices it is heir of
	for p := range prev {
		heir[p] = -1
		for n, c := range overlap[p] {
			h := heir[p]
			if h < 0 || c > overlap[p][h] || c == overlap[p][h] && (len(next[n]) > len(next[h]) || len(next[n]) == len(next[h]) && n < h) {
				heir[p] = n
			}
		}
		if heir[p] >= 0 {
			inherits[heir[p]] = append(inherits[heir[p]], p)
		}
	}

	ids := make([]int64, len(next))
	var changes []Change
	for n := range next {
		if len(inherits[n]) == 0 {
			id, err := alloc()
			if err != nil {
				return nil, nil, fmt.Errorf("area: allocate id: %w", err)
			}
			ids[n] = id
			continue
		}
		slices.SortFunc(inherits[n], func(a, b int) int { return cmp.Compare(prev[a].ID, prev[b].ID) })
		ids[n] = prev[inherits[n][0]].ID
	}

	for n, pts := range next {
		c := Change{ID: ids[n], Index: n}
		if len(inherits[n]) == 0 {
			c.Kind, c.Added = New, len(pts)
			var from []int
			for p := range prev {
				if overlap[p][n] > 0 {
					from = append(from, p)
				}
			}
			for _, p := range from {
				c.SplitFrom = append(c.SplitFrom, prev[p].ID)
			}
			slices.Sort(c.SplitFrom)
			c.Reason = newReason(c, len(pts))
			changes = append(changes, c)
			continue
		}
		for _, p := range inherits[n][1:] {
			c.MergedFrom = append(c.MergedFrom, prev[p].ID)
		}
		// Added: points from none of the areas it inherits; Dropped: points
		// of those areas now elsewhere or gone.
		own, had := 0, 0
		for _, p := range inherits[n] {
			own += overlap[p][n]
			had += len(prev[p].Points)
		}
		c.Added = len(pts) - own
		c.Dropped = had - own
		for _, p := range inherits[n] {
			for m := range overlap[p] {
				if m != n {
					c.SplitInto = append(c.SplitInto, ids[m])
				}
			}
		}
		slices.Sort(c.SplitInto)
		c.SplitInto = slices.Compact(c.SplitInto)
		switch {
		case len(c.MergedFrom) > 0:
			c.Kind = Merged
		case len(c.SplitInto) > 0:
			c.Kind = Split
		case c.Added == 0 && c.Dropped == 0:
			c.Kind = Kept
		case c.Dropped == 0:
			c.Kind = Grown
		case c.Added == 0:
			c.Kind = Shrunk
		default:
			c.Kind = Changed
		}
		c.Reason = keptReason(c)
		changes = append(changes, c)
	}
	slices.SortFunc(changes, func(a, b Change) int { return cmp.Compare(a.ID, b.ID) })

	var removed []Change
	for p, a := range prev {
		h := heir[p]
		switch {
		case h < 0:
			removed = append(removed, Change{Kind: Removed, ID: a.ID, Index: -1, Dropped: len(a.Points),
				Reason: phusong.Message{
					VI: fmt.Sprintf("Khu vực không còn điểm nào (%d điểm đã bị rút hoặc trả lại).", len(a.Points)),
					EN: fmt.Sprintf("No point is left in the area (%d %s withdrawn or returned).", len(a.Points), plural(len(a.Points), "point", "points")),
				}})
		case ids[h] != a.ID:
			removed = append(removed, Change{Kind: Removed, ID: a.ID, Index: -1, MergedInto: ids[h],
				Dropped: len(a.Points),
				Reason: phusong.Message{
					VI: fmt.Sprintf("Đã gộp vào khu vực #%d.", ids[h]),
					EN: fmt.Sprintf("Merged into area #%d.", ids[h]),
				}})
		}
	}
	slices.SortFunc(removed, func(a, b Change) int { return cmp.Compare(a.ID, b.ID) })
	return ids, append(changes, removed...), nil
}

func idList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprintf("#%d", id)
	}
	return strings.Join(s, ", ")
}

func newReason(c Change, n int) phusong.Message {
	if len(c.SplitFrom) > 0 {
		return phusong.Message{
			VI: fmt.Sprintf("Khu vực mới, tách ra từ %s (%d điểm).", idList(c.SplitFrom), n),
			EN: fmt.Sprintf("New area, split off from %s (%d %s).", idList(c.SplitFrom), n, plural(n, "point", "points")),
		}
	}
	return phusong.Message{
		VI: fmt.Sprintf("Khu vực mới gồm %d điểm mới được duyệt.", n),
		EN: fmt.Sprintf("New area of %d newly accepted %s.", n, plural(n, "point", "points")),
	}
}

func keptReason(c Change) phusong.Message {
	var vi, en []string
	if len(c.MergedFrom) > 0 {
		vi = append(vi, "gộp với "+idList(c.MergedFrom))
		en = append(en, "merged with "+idList(c.MergedFrom))
	}
	if len(c.SplitInto) > 0 {
		vi = append(vi, "tách phần nhỏ hơn thành "+idList(c.SplitInto))
		en = append(en, "smaller parts split off as "+idList(c.SplitInto))
	}
	if c.Added > 0 {
		vi = append(vi, fmt.Sprintf("thêm %d điểm", c.Added))
		en = append(en, fmt.Sprintf("%d %s added", c.Added, plural(c.Added, "point", "points")))
	}
	if c.Dropped > 0 {
		vi = append(vi, fmt.Sprintf("bớt %d điểm", c.Dropped))
		en = append(en, fmt.Sprintf("%d %s fewer", c.Dropped, plural(c.Dropped, "point", "points")))
	}
	if len(vi) == 0 {
		return phusong.Message{VI: "Không thay đổi.", EN: "Unchanged."}
	}
	return phusong.Message{VI: capitalize(strings.Join(vi, "; ")) + ".", EN: capitalize(strings.Join(en, "; ")) + "."}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}
