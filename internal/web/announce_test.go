package web

import (
	"context"
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
