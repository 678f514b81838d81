package pack

import (
	"bytes"
	"compress/gzip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"
)

func TestRoundTrip(t *testing.T) {
	in := []Feature{
		{Key: "01", Boundary: orb.MultiPolygon{
			{
				{{105.826610, 21.037280}, {105.83058, 21.0415}, {105.85037, 21.04089}, {105.826610, 21.037280}},
				{{105.83, 21.038}, {105.831, 21.039}, {105.832, 21.038}, {105.83, 21.038}},
			},
			{{{-0.000001, -89.999999}, {179.999999, 0}, {0, 89.5}, {-0.000001, -89.999999}}},
		}},
		{Key: "22736", Boundary: orb.MultiPolygon{
			{{{109.8, 7.5}, {109.81, 7.5}, {109.81, 7.51}, {109.8, 7.5}}},
		}},
	}
	var buf bytes.Buffer
	if err := Encode(&buf, 1_000_000, in); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestEncodeRefuses(t *testing.T) {
	tests := []struct {
		name  string
		scale int
		ring  orb.Ring
	}{
		{"more decimals than the scale", 100_000, orb.Ring{{105.123456, 21}, {105.1, 21.1}, {105.2, 21}, {105.123456, 21}}},
		{"open ring", 100_000, orb.Ring{{105, 21}, {105.1, 21.1}, {105.2, 21}, {105.3, 21}}},
		{"too few points", 100_000, orb.Ring{{105, 21}, {105.1, 21.1}, {105, 21}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Encode(&bytes.Buffer{}, tc.scale, []Feature{{Key: "x", Boundary: orb.MultiPolygon{{tc.ring}}}})
			if err == nil {
				t.Error("got nil error, want one")
			}
		})
	}
}

func TestDecodeCorrupt(t *testing.T) {
	var good bytes.Buffer
	f := []Feature{{Key: "01", Boundary: orb.MultiPolygon{{{{105, 21}, {105.1, 21.1}, {105.2, 21}, {105, 21}}}}}}
	if err := Encode(&good, 100_000, f); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(&good)
	if err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	if _, err := raw.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	for cut := 0; cut < raw.Len(); cut++ {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(raw.Bytes()[:cut])
		zw.Close()
		if _, err := Decode(z.Bytes()); err == nil {
			t.Errorf("truncated at %d of %d bytes: got nil error", cut, raw.Len())
		}
	}
	if _, err := Decode([]byte("not gzip")); err == nil {
		t.Error("not gzip: got nil error")
	}
}

func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	Encode(&buf, 100_000, []Feature{{Key: "01", Boundary: orb.MultiPolygon{{{{105, 21}, {105.1, 21.1}, {105.2, 21}, {105, 21}}}}}})
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		Decode(b) // must not panic or allocate without bound
	})
}
