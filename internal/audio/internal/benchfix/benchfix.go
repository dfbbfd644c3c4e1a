// Package benchfix generates the long benchmark inputs (with ffmpeg and
// lame, test-time tools only) once, in a cache directory shared by the Go
// benchmarks and the benchcmp program.
package benchfix

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"loa/internal/audio"
)

// Dir is the fixture cache: $LOA_BENCH_DIR or <tmp>/loa-bench.
func Dir() string {
	if d := os.Getenv("LOA_BENCH_DIR"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "loa-bench")
}

// ErrNoTools means ffmpeg or lame is not installed.
var ErrNoTools = errors.New("benchfix: ffmpeg and lame are needed to generate benchmark inputs")

func haveTools() bool {
	for _, t := range []string{"ffmpeg", "lame"} {
		if _, err := exec.LookPath(t); err != nil {
			return false
		}
	}
	return true
}

func run(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	var e bytes.Buffer
	cmd.Stderr = &e
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v: %s", name, err, e.String())
	}
	return nil
}

// music writes a music-like WAV (chord with vibrato and tremolo, pink
// noise) of the given length, rate and channels.
func music(path string, seconds, rate, ch int, seed int) error {
	d, r := strconv.Itoa(seconds), strconv.Itoa(rate)
	f0 := 196 + 30*seed
	expr := fmt.Sprintf("0.25*sin(2*PI*%d*t+0.5*sin(2*PI*5*t))*(0.6+0.4*sin(2*PI*0.7*t))+0.15*sin(2*PI*%d*t)+0.1*sin(2*PI*%d*t)*(t-floor(t))", f0, f0*5/4, f0*3/2)
	return run("ffmpeg", "-v", "error", "-y",
		"-f", "lavfi", "-i", "aevalsrc="+expr+":s="+r+":d="+d,
		"-f", "lavfi", "-i", fmt.Sprintf("anoisesrc=color=pink:amplitude=0.08:seed=%d:r=%s:d=%s", seed+1, r, d),
		"-filter_complex", "amix=inputs=2:normalize=0", "-ac", strconv.Itoa(ch), "-c:a", "pcm_s16le", path)
}

// get returns the cached path, generating it with gen when missing.
func get(name string, gen func(tmp string) error) (string, error) {
	p := filepath.Join(Dir(), name)
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	if !haveTools() {
		return "", ErrNoTools
	}
	if err := os.MkdirAll(Dir(), 0o755); err != nil {
		return "", err
	}
	tmp := p + ".tmp" + filepath.Ext(p)
	if err := gen(tmp); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return p, os.Rename(tmp, p)
}

// WAV10 is 10 minutes of 44.1 kHz stereo 16-bit WAV.
func WAV10() (string, error) {
	return get("music-10min-44k-stereo.wav", func(tmp string) error { return music(tmp, 600, 44100, 2, 0) })
}

// MP310 is 10 minutes of 128 kbps 44.1 kHz stereo MP3 (LAME, gapless tag).
func MP310() (string, error) {
	wav, err := WAV10()
	if err != nil {
		return "", err
	}
	return get("music-10min-128k.mp3", func(tmp string) error { return run("lame", "--quiet", "-b", "128", wav, tmp) })
}

// Programme returns six 5-minute items making a 30-minute programme, in
// the mix a station stores: 44.1 kHz mono MP3 (no resampling), 48 kHz
// stereo MP3 (resampled and mixed down), 22.05 kHz mono WAV.
func Programme() ([]string, error) {
	specs := []struct {
		name     string
		rate, ch int
		mp3      bool
	}{
		{"item1-44k-mono.mp3", 44100, 1, true},
		{"item2-48k-stereo.mp3", 48000, 2, true},
		{"item3-44k-mono.mp3", 44100, 1, true},
		{"item4-22k-mono.wav", 22050, 1, false},
		{"item5-44k-mono.mp3", 44100, 1, true},
		{"item6-48k-stereo.mp3", 48000, 2, true},
	}
	var out []string
	for i, s := range specs {
		p, err := get(s.name, func(tmp string) error {
			if !s.mp3 {
				return music(tmp, 300, s.rate, s.ch, i)
			}
			wav := tmp + ".wav"
			defer os.Remove(wav)
			if err := music(wav, 300, s.rate, s.ch, i); err != nil {
				return err
			}
			args := []string{"--quiet", "-b", "96"}
			if s.ch == 1 {
				args = []string{"--quiet", "-b", "64", "-m", "m"}
			}
			return run("lame", append(args, wav, tmp)...)
		})
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Items returns the Programme as renderer items with their loudness and
// station-chain level already found, as stored at ingest.
func Items() ([]audio.Item, error) {
	paths, err := Programme()
	if err != nil {
		return nil, err
	}
	var items []audio.Item
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		info, err := audio.AnalyzeLevel(context.Background(), f, audio.DefaultOptions())
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("analyze %s: %w", p, err)
		}
		items = append(items, audio.Item{Path: p, Kind: "script", Info: &info})
	}
	return items, nil
}

// CPUTime is the user+system CPU time used by this process so far.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
