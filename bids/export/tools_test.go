package export_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/phusong/phusong/bids/export"
)

// tool returns the path of a real client the tests need. A missing tool
// fails the test: a run without it must not pass.
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found (%v): run scripts/install-deps.sh test", name, err)
	}
	return path
}

var featureCount = regexp.MustCompile(`(?m)^Feature Count: (\d+)`)

// TestOGRInfo opens the GeoJSON and KML files with GDAL, as an operator's GIS would.
func TestOGRInfo(t *testing.T) {
	ogrinfo := tool(t, "ogrinfo")
	files, err := export.Files(sample(), published)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		file     string
		features int
		layers   int
		contains string
	}{
		{"areas.geojson", 2, 1, "Geometry: Multi Polygon"},
		{"points.geojson", 3, 1, "Geometry: Point"},
		{"sites.geojson", 3, 1, "Geometry: Point"},
		{"package.kml", 8, 2, "Vùng 101"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			out, err := exec.Command(ogrinfo, "-ro", "-al", "-so", filepath.Join(dir, tc.file)).CombinedOutput()
			if err != nil {
				t.Fatalf("ogrinfo: %v\n%s", err, out)
			}
			counts := featureCount.FindAllStringSubmatch(string(out), -1)
			total := 0
			for _, c := range counts {
				n, _ := strconv.Atoi(c[1])
				total += n
			}
			if len(counts) != tc.layers || total != tc.features {
				t.Errorf("got %d layers with %d features, want %d with %d\n%s", len(counts), total, tc.layers, tc.features, out)
			}
			if !strings.Contains(string(out), tc.contains) {
				t.Errorf("ogrinfo output lacks %q\n%s", tc.contains, out)
			}
		})
	}
}

// TestUnzip checks the ZIP with Info-ZIP's unzip, as an operator would open it.
func TestUnzip(t *testing.T) {
	unzip := tool(t, "unzip")
	z, files, err := export.ZIP(sample(), published)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), z.Name)
	if err := os.WriteFile(path, z.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(unzip, "-t", path).CombinedOutput()
	if err != nil {
		t.Fatalf("unzip -t: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "No errors detected") {
		t.Errorf("unzip -t:\n%s", out)
	}
	for _, f := range files {
		if !strings.Contains(string(out), "testing: "+f.Name) {
			t.Errorf("unzip -t did not test %s\n%s", f.Name, out)
		}
	}
}
