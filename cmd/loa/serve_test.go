package main

import (
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(loaBinary(t), "--data", data, "serve", "--listen", addr)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/api/v1/openapi.json")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("openapi.json: %d", resp.StatusCode)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("loa serve did not answer: %v\n%s", err, stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("loa serve after SIGTERM: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "path=/api/v1/openapi.json status=200") {
		t.Errorf("request not logged:\n%s", stderr.String())
	}
}
