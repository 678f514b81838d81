package intake

import (
	"context"
	"io"

	"github.com/phusong/phusong/geo/survey"
)

// Result is what the survey store keeps of a report.
func (r *Report) Result() survey.Result {
	return survey.Result{
		Format: r.Format, Encoding: r.Encoding,
		Rows: r.Rows, InvalidRows: r.Rows - r.Valid,
		Errors: r.Errors, Warnings: r.Warnings,
		ErrorCount: r.ErrorCount, WarningCount: r.WarningCount,
	}
}

// Source reads one survey file for the survey store: its Read is the
// reader callback survey.Store.Submit and BulkLoad take, and Report holds
// the report afterwards (nil until Read ran).
type Source struct {
	ctx    context.Context
	r      io.Reader
	ref    Reference
	opt    Options
	Report *Report
}

// NewSource returns a Source reading r with Read(ctx, r, ref, opt, …).
func NewSource(ctx context.Context, r io.Reader, ref Reference, opt Options) *Source {
	return &Source{ctx: ctx, r: r, ref: ref, opt: opt}
}

// Read reads the file, calling emit for each valid point.
func (s *Source) Read(emit func(survey.Point) error) (survey.Result, error) {
	var err error
	s.Report, err = Read(s.ctx, s.r, s.ref, s.opt, emit)
	if err != nil {
		return survey.Result{}, err
	}
	return s.Report.Result(), nil
}
