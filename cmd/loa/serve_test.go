package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestServeStartsAndStops runs the real binary: it serves the API document
// and shuts down cleanly on SIGTERM.
func TestServeStartsAndStops(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary")
	}
	data := filepath.Join(t.TempDir(), "var")
	if code, _, errs := runLoaIn(t, "mật-khẩu-quản-trị\n", "--data", data, "user", "add", "admin", "--role", "quan-tri", "--password-stdin"); code != 0 {
		t.Fatal(errs)
	}
	srv := startServe(t, data)
	resp, err := http.Get("http://" + srv.addr + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("openapi.json: %d", resp.StatusCode)
	}
	srv.cmd.Process.Signal(syscall.SIGTERM)
	if err := srv.cmd.Wait(); err != nil {
		t.Fatalf("loa serve after SIGTERM: %v\n%s", err, srv.log.String())
	}
	if !strings.Contains(srv.log.String(), "path=/api/v1/openapi.json status=200") {
		t.Errorf("request not logged:\n%s", srv.log.String())
	}
}
