package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"loa/internal/audio"
)

// TestServeUploadMemory uploads a 200 MB WAV to the real 'loa serve' and
// checks its peak resident memory stays under 100 MB: the upload streams
// into the store and is decoded from there, never held in memory. It runs
// only with LOA_BENCH=1 (make bench).
func TestServeUploadMemory(t *testing.T) {
	if os.Getenv("LOA_BENCH") == "" {
		t.Skip("set LOA_BENCH=1 to upload a 200 MB WAV to loa serve")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "var")
	if code, _, errs := runLoaIn(t, "quản-trị-viên-2026\n", "--data", data, "user", "add", "admin", "--role", "quan-tri", "--password-stdin"); code != 0 {
		t.Fatal(errs)
	}
	_, tok, _ := runLoaIn(t, "", "--data", data, "user", "token", "admin")
	tok = strings.TrimSpace(tok)

	// 48 kHz stereo 16-bit: 200 MB is about 18 minutes, under scripts.max_length.
	wav := filepath.Join(dir, "big.wav")
	fh, err := os.Create(wav)
	if err != nil {
		t.Fatal(err)
	}
	w, err := audio.NewWAVWriter(fh, 48000, 2)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]float32, 2*48000)
	for sec := 0; sec < 1092; sec++ {
		for i := 0; i < 48000; i++ {
			v := float32(0.3 * math.Sin(2*math.Pi*(440+float64(sec%7)*30)*float64(i)/48000))
			buf[2*i], buf[2*i+1] = v, v
		}
		if err := w.Write(buf); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	fh.Close()
	fi, _ := os.Stat(wav)

	srv := startServe(t, data)
	addr, serve, serveLog := srv.addr, srv.cmd, srv.log

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("title", "Bài rất dài")
		mw.WriteField("topic", "ke-hoach")
		part, _ := mw.CreateFormFile("audio", "big.wav")
		src, _ := os.Open(wav)
		io.Copy(part, src)
		src.Close()
		pw.CloseWithError(mw.Close())
	}()
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/scripts", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+tok)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s\n%s", resp.StatusCode, body, serveLog.String())
	}
	hwm := procStatus(t, serve.Process.Pid, "VmHWM")
	t.Logf("uploaded %d MB in %s; loa serve peak RSS (VmHWM) %d MB", fi.Size()>>20, time.Since(start).Round(time.Millisecond), hwm>>10)
	if hwm>>10 >= 100 {
		t.Errorf("peak RSS %d MB, want under 100 MB", hwm>>10)
	}
}

// procStatus reads a kB figure from /proc/PID/status.
func procStatus(t *testing.T, pid int, key string) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key+":"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb
		}
	}
	t.Fatalf("%s not in /proc/%d/status", key, pid)
	return 0
}
