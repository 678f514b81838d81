package export

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/survey"
)

// The overview map of summary.pdf is drawn here with the standard library
// rather than by a map renderer: it is a few filled polygons and some
// thousands of dots, and a paletted image keeps it small, fast and the same
// bytes on every run (no fonts, no anti-aliasing, no map iteration).

// Palette indices of the overview map. The PDF legend names the same colours
// (mapColors), so they are defined once.
const (
	mapBackground uint8 = iota
	mapAreaFill
	mapAreaEdge
	mapTrangSong
	mapLomSong
	mapSiteFill
	mapSiteEdge
	mapScaleBar
	mapFrame
)

var mapColors = color.Palette{
	mapBackground: color.RGBA{0xff, 0xff, 0xff, 0xff},
	mapAreaFill:   color.RGBA{0xcf, 0xe3, 0xf5, 0xff},
	mapAreaEdge:   color.RGBA{0x2b, 0x6c, 0xb0, 0xff},
	mapTrangSong:  color.RGBA{0xd6, 0x28, 0x28, 0xff},
	mapLomSong:    color.RGBA{0xf0, 0x8c, 0x00, 0xff},
	mapSiteFill:   color.RGBA{0x6a, 0x1b, 0x9a, 0xff},
	mapSiteEdge:   color.RGBA{0x00, 0x00, 0x00, 0xff},
	mapScaleBar:   color.RGBA{0x33, 0x33, 0x33, 0xff},
	mapFrame:      color.RGBA{0x99, 0x99, 0x99, 0xff},
}

// overview is a drawn map and what its caption needs to say about it.
type overview struct {
	PNG         []byte
	Width       int     // pixels
	Height      int     // pixels
	ScaleMetres float64 // length of the scale bar drawn at the bottom left
}

// projection maps lon/lat to pixels: equirectangular with the longitude
// scaled by cos(middle latitude), so that a kilometre is about as long east
// as north across a province (Vietnam spans 8–23.4°N, one package one
// province), fitted into the image with a margin and north up.
type projection struct {
	minLon, maxLat float64
	kx             float64 // cos(middle latitude)
	scale          float64 // pixels per degree of latitude
	offX, offY     float64 // pixels
}

func (pr projection) px(p orb.Point) (float64, float64) {
	return pr.offX + (p[0]-pr.minLon)*pr.kx*pr.scale, pr.offY + (pr.maxLat-p[1])*pr.scale
}

// mapBounds is the bounding box of everything the map shows; ok is false
// for a package with nothing to draw.
func mapBounds(p Package) (orb.Bound, bool) {
	var b orb.Bound
	first := true
	add := func(pt orb.Point) {
		if first {
			b, first = orb.Bound{Min: pt, Max: pt}, false
			return
		}
		b = b.Extend(pt)
	}
	for _, a := range p.Areas {
		for _, poly := range a.Polygon {
			for _, r := range poly {
				for _, pt := range r {
					add(pt)
				}
			}
		}
		for _, s := range a.Sites {
			add(s.Location)
		}
		for _, pt := range a.Points {
			add(pt.Location)
		}
	}
	return b, !first
}

// overviewWidth is the map's width in pixels: about 200 dpi over the 180 mm
// the PDF gives it, enough to tell villages apart when printed.
const overviewWidth = 1440

// drawOverview draws the areas (filled, outlined), villages (dots: red for
// trắng sóng, orange for lõm sóng) and proposed sites (purple squares) of p,
// with a scale bar and a frame. The height follows the package's shape,
// between 40 % and 80 % of the width (144 mm on the page), so that a wide
// package does not leave half a page blank and a tall one still fits under
// a heading. ok is false when the package has nothing to draw.
func drawOverview(p Package) (overview, bool, error) {
	b, ok := mapBounds(p)
	if !ok {
		return overview{}, false, nil
	}
	w, h := overviewSize(b)
	pr := overviewProjection(b, w, h)
	img := image.NewPaletted(image.Rect(0, 0, w, h), mapColors)
	c := canvas{img}
	for _, a := range p.Areas {
		for _, poly := range a.Polygon {
			c.fillPolygon(pr, poly, mapAreaFill)
		}
	}
	for _, a := range p.Areas {
		for _, poly := range a.Polygon {
			for _, r := range poly {
				c.ring(pr, r, mapAreaEdge)
			}
		}
	}
	// Lõm sóng first, so that trắng sóng (no signal at all, the higher
	// priority) stays visible where both overlap.
	for _, pass := range []struct {
		trang bool
		col   uint8
	}{{false, mapLomSong}, {true, mapTrangSong}} {
		for _, a := range p.Areas {
			for _, pt := range a.Points {
				if (pt.Category == survey.TrangSong) == pass.trang {
					x, y := pr.px(pt.Location)
					c.square(int(x), int(y), 2, pass.col)
				}
			}
		}
	}
	for _, a := range p.Areas {
		for _, s := range a.Sites {
			x, y := pr.px(s.Location)
			c.square(int(x), int(y), 7, mapSiteEdge)
			c.square(int(x), int(y), 5, mapSiteFill)
		}
	}
	metres := c.scaleBar(pr.scale, mapMargin)
	// A frame, so that the map's edge shows on white paper.
	c.line(0, 0, w-2, 0, mapFrame)
	c.line(0, h-2, w-2, h-2, mapFrame)
	c.line(0, 0, 0, h-2, mapFrame)
	c.line(w-2, 0, w-2, h-2, mapFrame)

	var buf bytes.Buffer
	// BestSpeed: the map is a few flat colours, so it compresses well anyway.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return overview{}, false, err
	}
	return overview{PNG: buf.Bytes(), Width: w, Height: h, ScaleMetres: metres}, true, nil
}

// mapMargin is the blank border inside the image, in pixels.
const mapMargin = 24.0

// minSpan is the least extent of a map in degrees: a package of one village
// still gets a map about 2 km across.
const minSpan = 0.02

// spans are the extents of b east and north in degrees of latitude, at
// least minSpan, and the cosine that scales longitudes.
func spans(b orb.Bound) (x, y, kx float64) {
	kx = math.Cos((b.Min[1] + b.Max[1]) / 2 * math.Pi / 180)
	return math.Max((b.Max[0]-b.Min[0])*kx, minSpan), math.Max(b.Max[1]-b.Min[1], minSpan), kx
}

// overviewSize is the image size for bound b: overviewWidth wide, and as
// tall as b's shape asks within 40–80 % of the width.
func overviewSize(b orb.Bound) (w, h int) {
	spanX, spanY, _ := spans(b)
	w = overviewWidth
	h = int(math.Round(float64(w) * spanY / spanX))
	return w, min(max(h, w*2/5), w*4/5)
}

// overviewProjection fits b into a w×h image with mapMargin to spare,
// centred: the data may be smaller than minSpan or not have the image's shape.
func overviewProjection(b orb.Bound, w, h int) projection {
	spanX, spanY, kx := spans(b)
	scale := math.Min((float64(w)-2*mapMargin)/spanX, (float64(h)-2*mapMargin)/spanY)
	return projection{
		minLon: b.Min[0], maxLat: b.Max[1], kx: kx, scale: scale,
		offX: (float64(w) - (b.Max[0]-b.Min[0])*kx*scale) / 2,
		offY: (float64(h) - (b.Max[1]-b.Min[1])*scale) / 2,
	}
}

// canvas draws on a paletted image, clipping to its bounds.
type canvas struct{ img *image.Paletted }

func (c canvas) set(x, y int, col uint8) {
	if x < 0 || y < 0 || x >= c.img.Rect.Dx() || y >= c.img.Rect.Dy() {
		return
	}
	c.img.Pix[y*c.img.Stride+x] = col
}

// square fills a square of side 2r+1 centred on x, y.
func (c canvas) square(x, y, r int, col uint8) {
	for j := y - r; j <= y+r; j++ {
		for i := x - r; i <= x+r; i++ {
			c.set(i, j, col)
		}
	}
}

// fillPolygon fills a polygon with holes by scanlines with the even-odd
// rule: each row of pixel centres crosses the rings' edges at sorted x, and
// the pixels between the 1st and 2nd, 3rd and 4th… crossing are inside. Holes
// come out empty because their edges count like any other.
func (c canvas) fillPolygon(pr projection, poly orb.Polygon, col uint8) {
	type edge struct{ x0, y0, x1, y1 float64 }
	var edges []edge
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for _, r := range poly {
		for i := range r {
			j := (i + 1) % len(r) // closes the ring whether or not it is closed
			x0, y0 := pr.px(r[i])
			x1, y1 := pr.px(r[j])
			if y0 == y1 {
				continue // horizontal edges never cross a scanline
			}
			edges = append(edges, edge{x0, y0, x1, y1})
			ymin, ymax = math.Min(ymin, math.Min(y0, y1)), math.Max(ymax, math.Max(y0, y1))
		}
	}
	if len(edges) == 0 {
		return
	}
	h, w := c.img.Rect.Dy(), c.img.Rect.Dx()
	var xs []float64
	for y := max(int(math.Floor(ymin)), 0); y <= min(int(math.Ceil(ymax)), h-1); y++ {
		sy := float64(y) + 0.5
		xs = xs[:0]
		for _, e := range edges {
			if (e.y0 <= sy) != (e.y1 <= sy) {
				xs = append(xs, e.x0+(sy-e.y0)*(e.x1-e.x0)/(e.y1-e.y0))
			}
		}
		slices.Sort(xs)
		for i := 0; i+1 < len(xs); i += 2 {
			// Pixel x is inside when its centre x+0.5 lies in [xs[i], xs[i+1]).
			from := max(int(math.Ceil(xs[i]-0.5)), 0)
			to := min(int(math.Ceil(xs[i+1]-0.5)), w)
			row := c.img.Pix[y*c.img.Stride:]
			for x := from; x < to; x++ {
				row[x] = col
			}
		}
	}
}

// ring outlines a ring two pixels wide.
func (c canvas) ring(pr projection, r orb.Ring, col uint8) {
	for i := range r {
		x0, y0 := pr.px(r[i])
		x1, y1 := pr.px(r[(i+1)%len(r)])
		c.line(int(math.Round(x0)), int(math.Round(y0)), int(math.Round(x1)), int(math.Round(y1)), col)
	}
}

// line is Bresenham's, with a second pixel beside each one for a 2 px stroke.
func (c canvas) line(x0, y0, x1, y1 int, col uint8) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	steep := -dy > dx
	err := dx + dy
	for {
		c.set(x0, y0, col)
		if steep {
			c.set(x0+1, y0, col)
		} else {
			c.set(x0, y0+1, col)
		}
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * err
		if e2 >= dy {
			err += dy
			x0 += sx
		}
		if e2 <= dx {
			err += dx
			y0 += sy
		}
	}
}

// scaleBar draws a bar of a round length (1, 2 or 5 × 10^n metres) about a
// fifth of the image wide at the bottom left, with end ticks, and returns its
// length; the caption under the map says it, as the image has no text.
// A degree of latitude is 111.32 km, and longitudes are already scaled by
// cos(latitude), so one length holds in both directions.
func (c canvas) scaleBar(pxPerDegree, margin float64) float64 {
	w, h := c.img.Rect.Dx(), c.img.Rect.Dy()
	metresPerPx := 111_320 / pxPerDegree
	metres := niceLength(metresPerPx * float64(w) / 5)
	n := int(math.Round(metres / metresPerPx))
	x0, y := int(margin/2), h-int(margin/2)-1
	for i := 0; i <= n; i++ {
		c.set(x0+i, y, mapScaleBar)
		c.set(x0+i, y-1, mapScaleBar)
	}
	for j := 0; j < 8; j++ {
		c.set(x0, y-j, mapScaleBar)
		c.set(x0+1, y-j, mapScaleBar)
		c.set(x0+n, y-j, mapScaleBar)
		c.set(x0+n-1, y-j, mapScaleBar)
	}
	return metres
}

// niceLength rounds m down to 1, 2 or 5 × 10^n.
func niceLength(m float64) float64 {
	if m <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(m)))
	switch f := m / p; {
	case f >= 5:
		return 5 * p
	case f >= 2:
		return 2 * p
	}
	return p
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}
