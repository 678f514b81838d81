// Package web holds the browser page of phusong, embedded in the binary so
// the service runs with no internet and no files beside it. The page talks
// only to the API of the same origin.
//
// The sources are in src/; `go generate ./web` bundles them with the npm
// packages they import (MapLibre GL JS for the map, Chart.js for the
// dashboard) into dist/, which is committed, so `go build` needs neither
// Node nor node_modules. node_modules (npm ci) is needed only to
// regenerate dist and for the browser tests.
package web

import (
	"embed"
	"io/fs"
)

//go:generate go run ./gen

//go:embed dist
var files embed.FS

// FS is the built page: index.html at the root, assets beside it.
var FS, _ = fs.Sub(files, "dist")
