package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

// runCLI runs the binary and returns what it printed (stdout and stderr)
// and its exit status.
func runCLI(t *testing.T, bin string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	}
	t.Fatalf("%s: %v", strings.Join(args, " "), err)
	return "", -1
}

// cliCase is one run of the binary: its exit status, what its output must
// hold and what it must not.
type cliCase struct {
	name    string
	args    []string
	code    int
	want    []string
	notWant []string
}

func (tc cliCase) check(t *testing.T, bin string, env []string) string {
	t.Helper()
	out, code := runCLI(t, bin, env, tc.args...)
	if code != tc.code {
		t.Errorf("%s: exit %d, want %d\n%s", strings.Join(tc.args, " "), code, tc.code, out)
	}
	for _, w := range tc.want {
		if !strings.Contains(out, w) {
			t.Errorf("%s: output lacks %q:\n%s", strings.Join(tc.args, " "), w, out)
		}
	}
	for _, w := range tc.notWant {
		if strings.Contains(out, w) {
			t.Errorf("%s: output holds %q:\n%s", strings.Join(tc.args, " "), w, out)
		}
	}
	return out
}

// TestUsageErrors: a wrong command line, whether cobra finds it (unknown
// flag, bad value, missing flag) or the command does (unknown province,
// eps out of range), exits 64 with the reason in both languages where we
// wrote it, before anything is read or stored; validate keeps 0, 1 and 2
// for the file. DATABASE_URL points at a fresh database so that no command
// could start a cluster of its own.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	env := append(os.Environ(), "DATABASE_URL="+dbtest.URL(t))
	survey12 := filepath.Join("demodata", "survey_12.csv")
	tests := []cliCase{
		{name: "validate valid", args: []string{"validate", "--province", "12", survey12}, code: 0},
		{name: "validate rows of another province", args: []string{"validate", "--province", "08", survey12}, code: 1,
			want: []string{"province_not_submitter"}},
		{name: "validate unreadable", args: []string{"validate", "--province", "12", "no-such-file.csv"}, code: 2,
			want: []string{"Không đọc được tệp", "The file cannot be read"}},
		{name: "validate unknown province", args: []string{"validate", "--province", "99", survey12}, code: exitUsage,
			want:    []string{`Không có tỉnh mang mã "99"`, `No province has code "99"`, "phusong validate --help"},
			notWant: []string{"province_not_submitter", "(99 )"}},
		{name: "validate pre-2025 province", args: []string{"validate", "--province", "02", survey12}, code: exitUsage,
			want: []string{"Use the new code: --province 08"}},
		{name: "validate without province", args: []string{"validate", survey12}, code: exitUsage,
			want: []string{`"province" not set`}},
		{name: "validate two files", args: []string{"validate", "--province", "12", survey12, survey12}, code: exitUsage},
		{name: "import unknown province", args: []string{"import", "--province", "99", survey12}, code: exitUsage,
			want: []string{`No province has code "99"`}, notWant: []string{"stored"}},
		{name: "eps zero", args: []string{"areas", "recompute", "--eps", "0"}, code: exitUsage,
			want:    []string{"phải từ 1 đến 50000 mét", "must be 1 to 50000 metres"},
			notWant: []string{"job"}},
		{name: "eps negative", args: []string{"areas", "recompute", "--eps", "-5"}, code: exitUsage,
			want: []string{"must be 1 to 50000 metres"}, notWant: []string{"job"}},
		{name: "eps too large", args: []string{"areas", "recompute", "--eps", "50001"}, code: exitUsage,
			want: []string{"must be 1 to 50000 metres"}, notWant: []string{"job"}},
		{name: "eps not a number", args: []string{"areas", "recompute", "--eps", "abc"}, code: exitUsage,
			want: []string{"phusong areas recompute --help"}},
		{name: "recompute unknown province", args: []string{"areas", "recompute", "--province", "99"}, code: exitUsage,
			want: []string{`Không có tỉnh mang mã "99"`, `No province has code "99"`}, notWant: []string{"job"}},
		{name: "package id not a number", args: []string{"packages", "export", "abc", "--out", t.TempDir()}, code: exitUsage,
			want: []string{"Mã gói thầu", "must be a positive whole number"}},
		{name: "export without out", args: []string{"packages", "export", "1"}, code: exitUsage,
			want: []string{`"out" not set`}},
		{name: "user without role", args: []string{"user", "create", "someone"}, code: exitUsage},
		{name: "unknown command", args: []string{"bogus"}, code: exitUsage},
		{name: "unknown flag", args: []string{"packages", "list", "--bogus"}, code: exitUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, bin, env) })
	}
}

// TestImportCLI runs import and areas recompute in order on one database:
// the submission keeps the file's name without its folders, a national
// load into a database with points says so in both languages (not "cannot
// read the file"), an unreadable file is explained once, and the
// recompute summary lists changes in words.
func TestImportCLI(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	url := dbtest.URL(t)
	env := append(os.Environ(), "DATABASE_URL="+url)
	src, err := os.ReadFile(filepath.Join("demodata", "survey_12.csv"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "qa")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "lai chau.csv")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	steps := []cliCase{
		{name: "import", args: []string{"import", "--province", "12", file}, code: 0,
			want: []string{"stored submission"}},
		{name: "national load into a database with points", args: []string{"import", "--province", "all", file}, code: 2,
			want:    []string{"chưa lưu gì / nothing stored", "Cơ sở dữ liệu đã có điểm khảo sát", "already holds survey points", "--province NN"},
			notWant: []string{"cannot read the file"}},
		{name: "unreadable", args: []string{"import", "--province", "12", filepath.Join(dir, "missing.csv")}, code: 2},
	}
	for _, s := range steps {
		out := s.check(t, bin, env)
		if s.name == "unreadable" {
			if n := strings.Count(out, "The file cannot be read"); n != 1 {
				t.Errorf("the reason is printed %d times, want once:\n%s", n, out)
			}
		}
	}
	ctx := phusong.WithActor(context.Background(), phusong.System)
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	subs, err := survey.NewStore(pool).Submissions(ctx, survey.SubmissionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 1 || subs[0].Filename != "lai chau.csv" {
		t.Fatalf("submissions %+v, want one of file \"lai chau.csv\"", subs)
	}
	// Areas group accepted points only.
	if _, err := survey.NewStore(pool).Decide(ctx, subs[0].ID, survey.Decision{Status: survey.StatusAccepted}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []cliCase{
		{name: "first recompute", args: []string{"areas", "recompute", "--province", "12"}, code: 0,
			want: []string{"new ", "done (eps 2000 m)"}, notWant: []string{"map["}},
		{name: "second recompute", args: []string{"areas", "recompute", "--province", "12", "--full", "--eps", "2000"}, code: 0,
			want: []string{"kept "}, notWant: []string{"map["}},
	} {
		s.check(t, bin, env)
	}
}

func TestFormatChanges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   map[area.ChangeKind]int
		want string
	}{
		{"none", nil, "-"},
		{"zero counts", map[area.ChangeKind]int{area.Kept: 0}, "-"},
		{"kept and new", map[area.ChangeKind]int{area.New: 1, area.Kept: 19}, "kept 19, new 1"},
		{"every kind", map[area.ChangeKind]int{area.Removed: 1, area.New: 2, area.Split: 3, area.Merged: 4, area.Changed: 5, area.Shrunk: 6, area.Grown: 7, area.Kept: 8},
			"kept 8, grown 7, shrunk 6, changed 5, merged 4, split 3, new 2, removed 1"},
		{"unknown kinds last, by name", map[area.ChangeKind]int{"zz": 1, "aa": 2, area.Kept: 3}, "kept 3, aa 2, zz 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := formatChanges(tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestLogCluster: a command that reuses the cluster a server started says
// nothing at the default level; one that starts it says so.
func TestLogCluster(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		started bool
		want    string // "" for no line at info level
	}{
		{"started here", true, "started the project's own PostGIS"},
		{"already running", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			logCluster(slog.New(slog.NewTextHandler(&b, nil)), tc.started, "/x/var/pg")
			if got := b.String(); (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("logged %q, want %q", got, tc.want)
			}
		})
	}
}

// TestImportStoredProblems: problems found against the stored points (not
// by the file check) are printed like the file's, row, column, code and
// both languages: a rejection for duplicates says why, and an update of a
// stored ref_id warns.
func TestImportStoredProblems(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	env := append(os.Environ(), "DATABASE_URL="+dbtest.URL(t))
	src, err := os.ReadFile(filepath.Join("demodata", "survey_12.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(src), "\n")
	head := strings.Join(lines[:4], "") // header and three villages
	dir := t.TempDir()
	write := func(name, content string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	three := write("three.csv", head)
	renamed := write("renamed.csv", strings.NewReplacer(",P464,", ",Q464,", ",P465,", ",Q465,", ",P466,", ",Q466,").Replace(head))
	steps := []cliCase{
		{name: "first import", args: []string{"import", "--province", "12", three}, code: 0,
			want: []string{"stored submission"}, notWant: []string{"stored points:"}},
		{name: "same villages under new ref_ids", args: []string{"import", "--province", "12", renamed}, code: 1,
			want: []string{"3 valid, 0 errors", "checked against stored points: 3",
				"[error] dòng/row 2 village_name duplicates_stored_point", "dòng/row 4 village_name duplicates_stored_point",
				"đã có trong hệ thống", "is already stored", "nothing stored"}},
		{name: "same ref_ids again", args: []string{"import", "--province", "12", three}, code: 0,
			want: []string{"[warning] dòng/row 3 ref_id updates_stored_point", "is already stored", "stored submission"}},
	}
	for _, s := range steps {
		s.check(t, bin, env)
	}
}
