package phusong_test

import (
	"testing"

	"github.com/phusong/phusong"
)

func TestInputErrorText(t *testing.T) {
	t.Parallel()
	p := func(row int, col, en string) phusong.Problem { return phusong.Problem{Row: row, Column: col, EN: en} }
	tests := []struct {
		name string
		err  *phusong.InputError
		want string
	}{
		{"no problems", phusong.Invalid("c", "Sai.", "Wrong."), "Wrong."},
		{"one problem", phusong.Invalid("c", "Sai.", "Wrong.", p(2, "lat", "Too far north.")), "Wrong. (1 problem: row 2: lat: Too far north.)"},
		{"two problems", phusong.Invalid("c", "Sai.", "Wrong.", p(2, "lat", "Too far north."), p(3, "", "Empty.")),
			"Wrong. (2 problems, first: row 2: lat: Too far north.)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
