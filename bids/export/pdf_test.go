package export_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/phusong/phusong/bids/export"
)

func TestSummaryPDFDeterministic(t *testing.T) {
	a, err := export.SummaryPDF(sample(), published)
	if err != nil {
		t.Fatal(err)
	}
	b, err := export.SummaryPDF(sample(), published)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a, []byte("%PDF-")) {
		t.Fatalf("got start %q, want %%PDF-", a[:min(len(a), 8)])
	}
	if !bytes.Equal(a, b) {
		t.Errorf("same input, different PDF bytes")
	}
	// published is 2026-11-20 03:00 UTC; both dates carry it, none the clock.
	for _, want := range []string{"/CreationDate (D:20261120030000)", "/ModDate (D:20261120030000)"} {
		if !bytes.Contains(a, []byte(want)) {
			t.Errorf("PDF lacks %s", want)
		}
	}
	c, err := export.SummaryPDF(sample(), published.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, c) {
		t.Errorf("another publication time gave the same PDF")
	}
}

func TestSummaryPDFEmpty(t *testing.T) {
	b, err := export.SummaryPDF(export.Package{ID: 1, Version: 1}, published)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("got start %q, want %%PDF-", b[:min(len(b), 8)])
	}
}
