package intake

import _ "embed"

// GuideHTML is the one-page guide to the survey file, in Vietnamese with an
// English section, that the API serves next to the Excel template. Its table
// of columns is generated from Columns (go test -run TestPublishedSpec -update).
//
//go:embed guide.html
var GuideHTML []byte
