// Package web holds the browser page of phusong, embedded in the binary so
// the service runs with no internet and no files beside it. The page talks
// only to the API of the same origin.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var files embed.FS

// FS is the page's files: index.html at the root, assets beside it.
var FS, _ = fs.Sub(files, "static")
