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
		contain []string
	}{
		{[]string{"user", "create", "boss", "--role", "admin"}, false, []string{"created boss"}},
		{[]string{"user", "disable", "boss"}, true, []string{"last active administrator"}},
		{[]string{"user", "create", "deputy", "--role", "admin"}, false, []string{"created deputy"}},
		{[]string{"user", "disable", "boss"}, false, []string{"boss disabled"}},
		{[]string{"user", "disable", "deputy"}, true, []string{"last active administrator"}},
		{[]string{"user", "enable", "boss"}, false, []string{"boss enabled"}},
		{[]string{"user", "enable", "nobody"}, true, []string{"no account nobody"}},
		// The brand as people write it is the operator's code.
		{[]string{"user", "create", "telco", "--role", "operator", "--operator", "Viettel"}, false, []string{"created telco"}},
		// Problems in both languages, Vietnamese first, field by field.
		{[]string{"user", "create", "telco2", "--role", "operator", "--operator", "Viettel Telecom"}, true,
			[]string{"Thông tin tài khoản chưa hợp lệ.", "The account details are invalid.",
				"operator: Tài khoản doanh nghiệp phải gắn", "operator: An operator account must be bound"}},
		{[]string{"user", "create", "boss", "--role", "admin"}, true, []string{"đã có người dùng", "is taken"}},
	}
	for _, s := range steps {
		out, err := run(s.args...)
		if (err != nil) != s.fails {
			t.Fatalf("%s: err %v, want failure %v:\n%s", strings.Join(s.args, " "), err, s.fails, out)
		}
		for _, c := range s.contain {
			if !strings.Contains(out, c) {
				t.Fatalf("%s: output lacks %q:\n%s", strings.Join(s.args, " "), c, out)
			}
		}
	}
	if out, _ := run("user", "list"); !strings.Contains(out, "viettel") || strings.Contains(out, "Viettel") {
		t.Errorf("telco is not bound to viettel:\n%s", out)
	}
	for user, want := range map[string]string{"boss": "false", "deputy": "false"} {
		if got := disabled(user); got != want {
			t.Errorf("%s disabled: got %s, want %s", user, got, want)
		}
	}
}
