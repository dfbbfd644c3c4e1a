package control

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"loa/internal/inputerr"
)

type fakeHandler struct{ got AnnounceRequest }

func (f *fakeHandler) Announce(ctx context.Context, r AnnounceRequest) (AnnounceReply, error) {
	if r.Repeat > 10 {
		return AnnounceReply{}, inputerr.New("repeat: at most 10")
	}
	f.got = r
	return AnnounceReply{Mode: ModePreempted, Programme: "cchc", RunID: 7}, nil
}

func (f *fakeHandler) Status(ctx context.Context) (Status, error) {
	return Status{OnAir: []OnAir{{Programme: "cchc", Item: &ItemOnAir{Kind: "announcement", Level: LevelEmergency}}}}, nil
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	c := Client{DataDir: dir}
	ctx := context.Background()
	if _, err := c.Status(ctx); !errors.Is(err, ErrNoDaemon) || !strings.Contains(err.Error(), "loa daemon") {
		t.Fatalf("no daemon: %v", err)
	}
	ln, err := Listen(dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, SocketFile))
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Mode()&os.ModeSocket == 0 {
		t.Fatalf("socket %v %v", fi.Mode(), err)
	}
	h := &fakeHandler{}
	sctx, cancel := context.WithCancel(ctx)
	served := make(chan error)
	go func() { served <- Serve(sctx, ln, h, slog.New(slog.DiscardHandler)) }()

	rep, err := c.Announce(ctx, AnnounceRequest{Level: LevelEmergency, SHA256: "ab", Repeat: 2, IntervalS: 10, By: "Chủ tịch"})
	if err != nil || rep.Mode != ModePreempted || rep.RunID != 7 || h.got.By != "Chủ tịch" || h.got.Repeat != 2 {
		t.Fatalf("announce: %+v %v; handler got %+v", rep, err, h.got)
	}
	if _, err := c.Announce(ctx, AnnounceRequest{Repeat: 11}); !inputerr.Is(err) || !strings.Contains(err.Error(), "at most 10") {
		t.Fatalf("input error: %v", err)
	}
	st, err := c.Status(ctx)
	if err != nil || len(st.OnAir) != 1 || st.OnAir[0].Item.Level != LevelEmergency {
		t.Fatalf("status %+v %v", st, err)
	}
	// Another protocol version is refused, saying so.
	conn, err := net.Dial("unix", filepath.Join(dir, SocketFile))
	if err != nil {
		t.Fatal(err)
	}
	json.NewEncoder(conn).Encode(Request{V: 99, Op: OpStatus})
	var resp Response
	json.NewDecoder(conn).Decode(&resp)
	conn.Close()
	if resp.OK || resp.Code != CodeVersion || resp.V != Version {
		t.Fatalf("version 99: %+v", resp)
	}
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Serve did not return after ctx ended")
	}
	// A socket left by a dead daemon is replaced.
	if ln, err := Listen(dir); err != nil {
		t.Fatalf("stale socket: %v", err)
	} else {
		ln.Close()
	}
}
