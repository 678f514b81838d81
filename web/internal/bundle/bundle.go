// Package bundle builds the page: esbuild (its Go API, so Node is not
// needed once node_modules is installed) bundles web/src and the npm
// packages it imports (MapLibre GL JS, Chart.js) into web/dist, which the
// web package embeds. `go generate ./web` runs it; a test rebuilds into a
// temporary folder and compares, so a stale dist fails the suite.
package bundle

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// copied are files of src served as they are.
var copied = []string{"index.html", "favicon.svg"}

// Build bundles webDir/src into outDir, replacing what outDir held.
// webDir must have node_modules (npm ci against package-lock.json).
func Build(webDir, outDir string) error {
	webDir, err := filepath.Abs(webDir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(webDir, "node_modules", "maplibre-gl", "package.json")); err != nil {
		return fmt.Errorf("bundle: %w (run npm ci in web/)", err)
	}
	res := api.Build(api.BuildOptions{
		AbsWorkingDir: webDir,
		EntryPoints:   []string{"src/app.js", "src/app.css"},
		Outdir:        outDir,
		Bundle:        true,
		// ES modules with splitting: the login page loads only the small
		// app chunk; MapLibre and Chart.js are separate chunks fetched by
		// dynamic import() when the map or the dashboard is first shown.
		Format:    api.FormatESModule,
		Splitting: true,
		Platform:  api.PlatformBrowser,
		// Browsers of the last few years (WebGL2, module workers).
		Target:            api.ES2020,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		// Vietnamese text stays readable in the bundle (and smaller than \u escapes).
		Charset: api.CharsetUTF8,
		// MapLibre (BSD-3) and Chart.js (MIT) require their notices to
		// travel with the code.
		LegalComments: api.LegalCommentsEndOfFile,
		EntryNames:    "[name]",
		ChunkNames:    "chunk-[hash]",
		Loader:        map[string]api.Loader{".svg": api.LoaderFile},
		LogLevel:      api.LogLevelSilent,
		Write:         false,
	})
	if len(res.Errors) > 0 {
		msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
		return fmt.Errorf("bundle: esbuild: %s", strings.Join(msgs, "\n"))
	}
	if err := os.RemoveAll(outDir); err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	for _, f := range res.OutputFiles {
		if err := os.WriteFile(f.Path, f.Contents, 0o644); err != nil {
			return err
		}
	}
	for _, name := range copied {
		b, err := os.ReadFile(filepath.Join(webDir, "src", name))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(outDir, name), b, 0o644); err != nil {
			return err
		}
	}
	return copyWorker(webDir, outDir)
}

// copyWorker copies MapLibre's web worker, which MapLibre starts itself
// as a separate module: it cannot be bundled into our chunks. Its
// sourceMappingURL comment is dropped: the map is not shipped, and a
// browser with developer tools open would ask for it and get 404.
func copyWorker(webDir, outDir string) error {
	b, err := os.ReadFile(filepath.Join(webDir, "node_modules", "maplibre-gl", "dist", "maplibre-gl-worker.mjs"))
	if err != nil {
		return err
	}
	i := bytes.LastIndex(b, []byte("\n//# sourceMappingURL="))
	if i < 0 {
		return errors.New("bundle: maplibre-gl-worker.mjs has no sourceMappingURL line; check the MapLibre upgrade")
	}
	return os.WriteFile(filepath.Join(outDir, "maplibre-gl-worker.mjs"), append(b[:i:i], '\n'), 0o644)
}
