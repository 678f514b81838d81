package intake

import "github.com/phusong/phusong/geo/survey"

// Result is what the survey store keeps of a report.
func (r *Report) Result() survey.Result {
	return survey.Result{
		Format: r.Format, Encoding: r.Encoding,
		Rows: r.Rows, InvalidRows: r.Rows - r.Valid,
		Errors: r.Errors, Warnings: r.Warnings,
		ErrorCount: r.ErrorCount, WarningCount: r.WarningCount,
	}
}
