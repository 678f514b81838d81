package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/phusong/phusong/migrations/dbtest"
)

// TestUserCLI: `user disable` refuses the last active administrator with
// the reason, `user enable` brings a disabled account back, and both leave
// `user list` showing the state. The steps run in order on one database.
func TestUserCLI(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	env := append(os.Environ(), "DATABASE_URL="+dbtest.URL(t), "PHUSONG_PASSWORD=cli-admin-pass-1")
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	disabled := func(username string) string {
		out, err := run("user", "list")
		if err != nil {
			t.Fatalf("list: %v\n%s", err, out)
		}
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) >= 4 && f[1] == username {
				return f[len(f)-1]
			}
		}
		t.Fatalf("list lacks %s:\n%s", username, out)
		return ""
	}
	steps := []struct {
		args    []string
		fails   bool
		contain string
	}{
		{[]string{"user", "create", "boss", "--role", "admin"}, false, "created boss"},
		{[]string{"user", "disable", "boss"}, true, "last active administrator"},
		{[]string{"user", "create", "deputy", "--role", "admin"}, false, "created deputy"},
		{[]string{"user", "disable", "boss"}, false, "boss disabled"},
		{[]string{"user", "disable", "deputy"}, true, "last active administrator"},
		{[]string{"user", "enable", "boss"}, false, "boss enabled"},
		{[]string{"user", "enable", "nobody"}, true, "no account nobody"},
	}
	for _, s := range steps {
		out, err := run(s.args...)
		if (err != nil) != s.fails || !strings.Contains(out, s.contain) {
			t.Fatalf("%s: err %v, want failure %v and %q in:\n%s", strings.Join(s.args, " "), err, s.fails, s.contain, out)
		}
	}
	for user, want := range map[string]string{"boss": "false", "deputy": "false"} {
		if got := disabled(user); got != want {
			t.Errorf("%s disabled: got %s, want %s", user, got, want)
		}
	}
}
