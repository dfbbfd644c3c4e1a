package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runLoaIn runs Main with stdin.
func runLoaIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUserCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "var")
	steps := []struct {
		stdin string
		args  []string
		code  int
		out   string // substring of stdout, or of stderr when code != 0
	}{
		{"", []string{"user", "list"}, 2, "does not exist"},
		{"bí-mật-dài-2026\n", []string{"user", "add", "admin", "--role", "quan-tri", "--password-stdin"}, 0, "Đã tạo người dùng admin (Quản trị)"},
		{"bí-mật-dài-2026\n", []string{"user", "add", "admin", "--role", "xem", "--password-stdin"}, 2, `user "admin" already exists`},
		{"ngắn\n", []string{"user", "add", "an", "--role", "xem", "--password-stdin"}, 2, "password: at least 8"},
		{"12345678\n", []string{"user", "add", "an", "--role", "root", "--password-stdin"}, 2, `role "root"`},
		{"", []string{"user", "add", "an", "--role", "xem"}, 2, "--password-stdin is required"},
		{"chủ-tịch-2026\n", []string{"user", "add", "chutich", "--role", "phe-duyet", "--password-stdin"}, 0, "Phê duyệt"},
		{"", []string{"user", "list"}, 0, "chutich  Phê duyệt (phe-duyet)  hoạt động"},
		{"mới-mới-mới\n", []string{"user", "passwd", "chutich", "--password-stdin"}, 0, "Đã đổi mật khẩu của chutich"},
		{"mới-mới-mới\n", []string{"user", "passwd", "ai", "--password-stdin"}, 2, "no such user"},
		{"", []string{"user", "token", "chutich"}, 0, "loa_"},
		{"", []string{"user", "disable", "chutich"}, 0, "Đã khóa người dùng chutich"},
		{"", []string{"user", "list", "--json"}, 0, `"name":"chutich","role":"phe-duyet","disabled":true`},
	}
	for _, s := range steps {
		code, out, errs := runLoaIn(t, s.stdin, append([]string{"--data", data}, s.args...)...)
		got := out
		if s.code != 0 {
			got = errs
		}
		if code != s.code || !strings.Contains(got, s.out) {
			t.Errorf("loa %s: exit %d, stdout %q, stderr %q; want exit %d and %q", strings.Join(s.args, " "), code, out, errs, s.code, s.out)
		}
	}
	// Neither the data directory nor the database is readable by others
	// (the station's group may read them, for backups: 0750 and 0640).
	for _, p := range []string{data, filepath.Join(data, "loa.db")} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o027 != 0 {
			t.Errorf("%s has mode %v, want no group write nor other access", p, fi.Mode().Perm())
		}
	}
}
