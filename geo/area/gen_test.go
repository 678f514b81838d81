package area_test

import "github.com/phusong/phusong/geo/survey/surveygen"

// generate runs the team's generator (-format survey): the same rows the
// bench scripts load.
var generate = surveygen.Generate
