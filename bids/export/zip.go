package export

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// File is one file of a package: its name in the ZIP, its bytes and their
// SHA-256 in lower-case hex. Store these bytes: XLSX cannot be regenerated
// byte for byte by another excelize version, so never regenerate to verify.
type File struct {
	Name   string
	Data   []byte
	SHA256 string
}

// Manifest is manifest.json: every other file of the package with its size
// in bytes and SHA-256, in ZIP order.
type Manifest struct {
	PackageID int64           `json:"package_id"`
	Version   int             `json:"version"`
	Published time.Time       `json:"published"`
	Files     []ManifestEntry `json:"files"`
}

// ManifestEntry is one line of a Manifest.
type ManifestEntry struct {
	Name   string `json:"name"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

// Files returns every file of package p published at published, in the
// fixed ZIP order, manifest.json last. The same p and published give the
// same bytes.
func Files(p Package, published time.Time) ([]File, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	writers := []struct {
		name  string
		write func() ([]byte, error)
	}{
		{"areas.geojson", func() ([]byte, error) { return AreasGeoJSON(p) }},
		{"points.geojson", func() ([]byte, error) { return PointsGeoJSON(p) }},
		{"sites.geojson", func() ([]byte, error) { return SitesGeoJSON(p) }},
		{"package.kml", func() ([]byte, error) { return KML(p) }},
		{"areas.csv", func() ([]byte, error) { return AreasCSV(p) }},
		{"points.csv", func() ([]byte, error) { return PointsCSV(p) }},
		{"sites.csv", func() ([]byte, error) { return SitesCSV(p) }},
		{"package.xlsx", func() ([]byte, error) { return XLSX(p, published) }},
	}
	files := make([]File, 0, len(writers)+1)
	m := Manifest{PackageID: p.ID, Version: p.Version, Published: published.UTC()}
	for _, w := range writers {
		b, err := w.write()
		if err != nil {
			return nil, err
		}
		f := newFile(w.name, b)
		files = append(files, f)
		m.Files = append(m.Files, ManifestEntry{Name: f.Name, Size: len(f.Data), SHA256: f.SHA256})
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export: manifest.json: %w", err)
	}
	return append(files, newFile("manifest.json", append(b, '\n'))), nil
}

func newFile(name string, b []byte) File {
	sum := sha256.Sum256(b)
	return File{Name: name, Data: b, SHA256: hex.EncodeToString(sum[:])}
}

// WriteZIP writes files to w as a ZIP in the order given, deflated, each
// stamped with published (UTC) and nothing else that varies, so that the ZIP
// of a package version always has the same bytes and SHA-256.
func WriteZIP(w io.Writer, files []File, published time.Time) error {
	zw := zip.NewWriter(w)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: published.UTC()}
		h.SetMode(0o644)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return fmt.Errorf("export: zip %s: %w", f.Name, err)
		}
		if _, err := fw.Write(f.Data); err != nil {
			return fmt.Errorf("export: zip %s: %w", f.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("export: zip: %w", err)
	}
	return nil
}

// ZIP returns the package ZIP and its files (see Files and WriteZIP).
func ZIP(p Package, published time.Time) (File, []File, error) {
	files, err := Files(p, published)
	if err != nil {
		return File{}, nil, err
	}
	var buf bytes.Buffer
	if err := WriteZIP(&buf, files, published); err != nil {
		return File{}, nil, err
	}
	return newFile(fmt.Sprintf("goi-thau-%d-v%d.zip", p.ID, p.Version), buf.Bytes()), files, nil
}
