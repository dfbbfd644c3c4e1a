package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"loa/internal/config"
	"loa/internal/station"
	"loa/internal/testenv"
	"loa/internal/users"
)

// fixture is a station with one user of each role, their API tokens and a
// test server.
type fixture struct {
	t      *testing.T
	st     *station.Station
	srv    *httptest.Server
	web    *Server
	tokens map[users.Role]string
	dir    string
	now    time.Time
}

var testPasswords = map[users.Role]string{
	users.Admin: "quản-trị-2026", users.Editor: "biên-tập-2026", users.Approver: "phê-duyệt-2026", users.Viewer: "chỉ-xem-2026",
}

func userName(r users.Role) string { return strings.ReplaceAll(string(r), "-", "") }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{t: t, dir: dir, tokens: map[users.Role]string{}}
	f.now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	cfg := config.Default()
	sched := filepath.Join(dir, "schedules")
	os.MkdirAll(sched, 0o755)
	jingle := filepath.Join(dir, "ident.wav")
	os.WriteFile(jingle, tone(t, 2, 880), 0o644)
	os.WriteFile(filepath.Join(sched, "sang.toml"), []byte(fmt.Sprintf(`name = "sang"
title = "Bản tin sáng"
cron = "30 6 * * *"
length = "10m"
intro = %q
fill = "end"
`, jingle)), 0o644)
	st, err := station.Open(context.Background(), filepath.Join(dir, "var"), cfg, station.Options{
		Create: true, Schedules: sched, Now: func() time.Time { return f.now },
		UserOptions: []users.Option{users.WithCost(bcrypt.MinCost)},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f.st = st
	ctx := context.Background()
	for _, r := range users.Roles() {
		if _, err := st.Users.Add(ctx, userName(r), r, testPasswords[r]); err != nil {
			t.Fatal(err)
		}
		if f.tokens[r], err = st.Users.NewToken(ctx, userName(r)); err != nil {
			t.Fatal(err)
		}
	}
	f.web, err = New(st, Options{Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(f.web.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

// tone returns a mono 16 kHz WAV of a sine tone.
func tone(t testing.TB, seconds, hz float64) []byte {
	t.Helper()
	b, err := os.ReadFile(testenv.SineWAV(t, filepath.Join(t.TempDir(), "tone.wav"), 16000, 1, seconds, hz, 0.3))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// multipartBody builds a script form: the fields in order, then the audio.
func multipartBody(t testing.TB, fields [][2]string, audioName string, audio []byte) (string, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, kv := range fields {
		mw.WriteField(kv[0], kv[1])
	}
	if audio != nil {
		w, _ := mw.CreateFormFile("audio", audioName)
		w.Write(audio)
	}
	mw.Close()
	return mw.FormDataContentType(), &b
}

// call makes an API request with role's token ("" role: no token).
func (f *fixture) call(role users.Role, method, path, ctype string, body io.Reader) (*http.Response, []byte) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, body)
	if err != nil {
		f.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}
