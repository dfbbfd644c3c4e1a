package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"loa/internal/control"
	"loa/internal/station"
	"loa/internal/users"
)

// fakeDaemon answers the control socket as the daemon would.
type fakeDaemon struct {
	mu  sync.Mutex
	got []control.AnnounceRequest
}

func (d *fakeDaemon) Announce(_ context.Context, r control.AnnounceRequest) (control.AnnounceReply, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.got = append(d.got, r)
	return control.AnnounceReply{Mode: control.ModeOwnRun, Programme: "khan", At: time.Now()}, nil
}

func (d *fakeDaemon) Status(context.Context) (control.Status, error) {
	return control.Status{Now: time.Now()}, nil
}

func TestAnnounce(t *testing.T) {
	f := newFixture(t)
	sc := f.addScript("Thông báo bão số 3", tone(t, 2, 440))
	if _, err := f.st.Approve(context.Background(), station.Local("chủ tịch"), sc.ID, sc.AudioSHA256, ""); err != nil {
		t.Fatal(err)
	}
	if resp, _ := f.signedIn(users.Viewer).get("/phat-khan"); resp.StatusCode != 403 {
		t.Errorf("viewer opens the announce form: %d", resp.StatusCode)
	}
	b := f.signedIn(users.Approver)
	tok := b.csrf("/phat-khan")
	send := func(fields [][2]string) (int, string) {
		ct, body := multipartBody(t, fields, "", nil)
		r, err := b.c.Post(f.srv.URL+"/phat-khan", ct, body)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		rb, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(rb)
	}
	order := [][2]string{{"csrf", tok}, {"level", "emergency"}, {"script", "1"}, {"repeat", "2"}, {"interval_min", "1"}}
	if code, body := send(order); code != http.StatusServiceUnavailable || !strings.Contains(body, "loa daemon không chạy") {
		t.Errorf("no daemon: %d", code)
	}
	if code, _ := send(order[1:]); code != 403 {
		t.Errorf("without csrf: %d", code)
	}

	ln, err := control.Listen(f.st.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := &fakeDaemon{}
	go control.Serve(ctx, ln, d, nil)
	code, body := send(order)
	if code != 200 || !strings.Contains(body, "Đã đưa lên sóng (phát ngay)") {
		t.Fatalf("announce: %d\n%s", code, body)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.got) != 1 || d.got[0].SHA256 != sc.AudioSHA256 || d.got[0].By != "pheduyet" || d.got[0].Repeat != 2 || d.got[0].IntervalS != 60 {
		t.Errorf("the daemon got %+v", d.got)
	}
}

// TestAPIAnnounce: POST /api/v1/announce, for approvers and admins, by an
// approved script (JSON) or a recording (multipart); 503 without a daemon.
func TestAPIAnnounce(t *testing.T) {
	f := newFixture(t)
	sc := f.addScript("Thông báo bão số 3", tone(t, 2, 440))
	if _, err := f.st.Approve(context.Background(), station.Local("chủ tịch"), sc.ID, sc.AudioSHA256, ""); err != nil {
		t.Fatal(err)
	}
	post := func(role users.Role, ctype string, body io.Reader) (int, string) {
		resp, b := f.call(role, "POST", "/api/v1/announce", ctype, body)
		return resp.StatusCode, string(b)
	}
	js := func(s string) io.Reader { return strings.NewReader(s) }
	const byScript = `{"script": 1, "level": "emergency", "repeat": 2, "interval_s": 60}`
	for _, tc := range []struct {
		name string
		role users.Role
		body string
		code int
		want string // in the body
	}{
		{"no token", "", byScript, 401, `"code":"unauthorized"`},
		{"viewer", users.Viewer, byScript, 403, `"error"`},
		{"editor", users.Editor, byScript, 403, `"error"`},
		{"no daemon", users.Approver, byScript, 503, `loa daemon không chạy`},
		{"no script", users.Approver, `{"level": "emergency"}`, 400, `"field":"script"`},
		{"bad level", users.Approver, `{"script": 1, "level": "loud"}`, 400, `"field":"level"`},
		{"repeat 11", users.Approver, `{"script": 1, "repeat": 11}`, 400, `"field":"repeat"`},
		{"interval 5 s", users.Approver, `{"script": 1, "repeat": 2, "interval_s": 5}`, 400, `"field":"interval"`},
		{"unknown field", users.Approver, `{"script": 1, "loud": true}`, 400, `"field":"body"`},
		{"missing script", users.Approver, `{"script": 99}`, 404, `"error"`},
	} {
		if code, body := post(tc.role, "application/json", js(tc.body)); code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want %d with %s", tc.name, code, body, tc.code, tc.want)
		}
	}
	f.st.Config.Web.MaxUploadMB = 1
	ct, big := multipartBody(t, [][2]string{{"level", "emergency"}}, "lon.wav", bytes.Repeat([]byte{0}, 3<<20))
	if code, body := post(users.Approver, ct, big); code != 413 {
		t.Errorf("3 MB recording over a 1 MB cap: %d %s", code, body)
	}

	ln, err := control.Listen(f.st.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := &fakeDaemon{}
	go control.Serve(ctx, ln, d, nil)
	code, body := post(users.Approver, "application/json", js(byScript))
	var rep control.AnnounceReply
	if err := json.Unmarshal([]byte(body), &rep); code != 200 || err != nil || rep.Mode != control.ModeOwnRun || rep.Programme != "khan" {
		t.Fatalf("announce a script: %d %s", code, body)
	}
	if _, off := rep.At.Zone(); off != 7*3600 {
		t.Errorf("reply's at %s, want the station's zone (+07:00)", body)
	}
	rec := tone(t, 1, 660)
	ct, mp := multipartBody(t, [][2]string{{"level", "priority"}, {"title", "Mất điện chiều nay"}, {"repeat", "3"}, {"interval_s", "20"}}, "mat-dien.wav", rec)
	if code, body := post(users.Admin, ct, mp); code != 200 || !strings.Contains(body, `"mode":"own-run"`) {
		t.Fatalf("announce a recording: %d %s", code, body)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.got) != 2 {
		t.Fatalf("the daemon got %d orders, want 2: %+v", len(d.got), d.got)
	}
	if g := d.got[0]; g.SHA256 != sc.AudioSHA256 || g.ScriptID != sc.ID || g.By != "pheduyet" || g.Repeat != 2 || g.IntervalS != 60 || g.Level != control.LevelEmergency {
		t.Errorf("by script, the daemon got %+v", g)
	}
	sum := sha256.Sum256(rec)
	if g := d.got[1]; g.SHA256 != hex.EncodeToString(sum[:]) || g.Title != "Mất điện chiều nay" || g.By != "quantri" || g.Repeat != 3 || g.IntervalS != 20 || g.Level != control.LevelPriority {
		t.Errorf("by recording, the daemon got %+v", g)
	}
}
