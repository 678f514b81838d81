package intake_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/intake"
)

func TestReportJSON(t *testing.T) {
	rep, _, err := read(t, testdata(t, "invalid_rows.csv"), intake.Options{Province: "12"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		OK       bool `json:"ok"`
		Rows     int  `json:"rows"`
		Errors   []map[string]any
		Warnings []map[string]any
		Summary  []intake.Group
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.OK || got.Rows != 10 || len(got.Errors) != rep.ErrorCount || len(got.Warnings) != rep.WarningCount {
		t.Fatalf("JSON %s", raw)
	}
	e := got.Errors[0]
	for _, key := range []string{"row", "column", "code", "value", "message_vi", "message_en"} {
		if _, ok := e[key]; !ok {
			t.Errorf("error %v has no %q", e, key)
		}
	}
	if got.Summary[0].Severity != "error" || got.Summary[len(got.Summary)-1].Severity != "warning" {
		t.Errorf("summary not errors first: %+v", got.Summary)
	}

	// A valid file: empty lists, not null.
	rep, _, _ = read(t, testdata(t, "valid_utf8.csv"), intake.Options{})
	raw, _ = json.Marshal(rep)
	if !bytes.Contains(raw, []byte(`"ok":true`)) || !bytes.Contains(raw, []byte(`"errors":[]`)) || !bytes.Contains(raw, []byte(`"warnings":[]`)) {
		t.Errorf("valid report JSON %s", raw)
	}

	// An unreadable file.
	_, _, err = read(t, testdata(t, "empty.csv"), intake.Options{})
	raw, _ = intake.ErrorReport(err)
	if !bytes.Contains(raw, []byte(`"ok":false`)) || !bytes.Contains(raw, []byte(`"code":"file_empty"`)) {
		t.Errorf("error report %s", raw)
	}
}

func TestSummaryAndCap(t *testing.T) {
	rows := make([]map[string]string, 300)
	for i := range rows {
		rows[i] = map[string]string{"ref_id": "X", "households": "0", "village_name": "Bản " + strings.Repeat("a", i%50+1)}
	}
	rep, _, err := read(t, csvFile(ruleColumns, rows...), intake.Options{Province: "12", MaxProblems: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors)+len(rep.Warnings) != 100 || rep.ErrorCount < 599 || !rep.Truncated() {
		t.Fatalf("kept %d, counted %d errors", len(rep.Errors)+len(rep.Warnings), rep.ErrorCount)
	}
	sum := rep.Summary(0)
	byCode := map[string]intake.Group{}
	for _, g := range sum {
		byCode[g.Code] = g
	}
	if g := byCode["households_invalid"]; g.Count != 300 || len(g.Rows) != 10 || g.Rows[0] != 2 || g.Column != "households" {
		t.Errorf("households group %+v", g)
	}
	if g := byCode["ref_id_duplicate"]; g.Count != 299 {
		t.Errorf("ref_id group %+v", g)
	}
	if got := rep.Summary(1); len(got) != 1 {
		t.Errorf("Summary(1) gave %d groups", len(got))
	}
}

func TestWriteProblemsCSV(t *testing.T) {
	problems := []phusong.Problem{
		{Row: 2, Column: "village_name", Code: "formula_as_text", Value: `=HYPERLINK("http://x","a")`, VI: "Việt", EN: "English"},
		{Row: 3, Column: "rsrp_viettel", Code: "rsrp_out_of_range", Value: "-150", VI: "+ve", EN: "@x"},
	}
	var b bytes.Buffer
	if err := intake.WriteProblemsCSV(&b, problems); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\ufeff")) {
		t.Error("no UTF-8 byte-order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"row", "column", "code", "value", "message_vi", "message_en"},
		{"2", "village_name", "formula_as_text", `'=HYPERLINK("http://x","a")`, "Việt", "English"},
		{"3", "rsrp_viettel", "rsrp_out_of_range", "-150", "'+ve", "'@x"},
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d: got %q, want %q", i, recs[i], want[i])
		}
	}

	rep, _, _ := read(t, testdata(t, "invalid_rows.csv"), intake.Options{Province: "12"})
	b.Reset()
	if err := rep.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, _ = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\ufeff")))).ReadAll()
	if len(recs) != 1+rep.ErrorCount+rep.WarningCount || recs[0][0] != "severity" || recs[1][0] != "error" {
		t.Errorf("report CSV: %d records, header %v", len(recs), recs[0])
	}
}

func TestNeutralize(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+84 912": "'+84 912", "-95": "-95", "-95.5": "-95.5", "@SUM(A1)": "'@SUM(A1)",
		"\t=x": "'\t=x", "Bản A": "Bản A", "": "", "-abc": "'-abc", "=5": "'=5",
	} {
		if got := intake.Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExitCode(t *testing.T) {
	ok, _, _ := read(t, testdata(t, "valid_utf8.csv"), intake.Options{})
	bad, _, _ := read(t, testdata(t, "invalid_rows.csv"), intake.Options{})
	for _, tc := range []struct {
		rep  *intake.Report
		err  error
		want int
	}{
		{ok, nil, 0}, {bad, nil, 1}, {ok, errors.New("disk"), 2}, {nil, nil, 2},
		{ok, &phusong.InputError{Code: "file_empty"}, 2},
	} {
		if got := intake.ExitCode(tc.rep, tc.err); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestValidateFile(t *testing.T) {
	ref := reference(t)
	for path, want := range map[string]int{
		"testdata/valid_utf8.csv": 0, "testdata/invalid_rows.csv": 1, "testdata/garbage.bin": 2, "testdata/no such file.csv": 2,
	} {
		rep, err := intake.ValidateFile(context.Background(), path, ref, intake.Options{Province: "12", Now: now})
		if got := intake.ExitCode(rep, err); got != want {
			t.Errorf("%s: exit %d, want %d (%v)", path, got, want, err)
		}
	}
}
