// Command benchcmp runs loa's audio engine and ffmpeg on the same generated
// inputs and prints the figures and ratios of issue 3's measurements:
//
//	go run ./internal/audio/benchcmp            (make bench)
//
// Inputs are generated once with ffmpeg and lame (see internal/benchfix;
// $LOA_BENCH_DIR overrides the cache directory). Times are the best of
// -runs wall-clock runs, so a busy machine disturbs them less.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"loa/internal/audio"
	"loa/internal/audio/internal/benchfix"
	"loa/internal/output"
)

func main() {
	runs := flag.Int("runs", 3, "runs per measurement (best is kept)")
	playFor := flag.Duration("play", 20*time.Second, "real-time playout measured for this long")
	strict := flag.Bool("strict", false, "exit 1 when a target is missed")
	memChild := flag.Bool("mem-child", false, "internal: render a 2-hour programme and print peak RSS")
	flag.Parse()
	if *memChild {
		if err := memChildRun(); err != nil {
			fmt.Fprintln(os.Stderr, "benchcmp:", err)
			os.Exit(1)
		}
		return
	}
	ok, err := run(*runs, *playFor)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchcmp:", err)
		os.Exit(1)
	}
	if !ok && *strict {
		os.Exit(1)
	}
}

func best(runs int, f func() error) (time.Duration, error) {
	var b time.Duration
	for i := 0; i < runs; i++ {
		t := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		if d := time.Since(t); i == 0 || d < b {
			b = d
		}
	}
	return b, nil
}

func ffmpeg(args ...string) func() error {
	return func() error {
		cmd := exec.Command("ffmpeg", append([]string{"-nostdin", "-hide_banner", "-nostats", "-v", "error"}, args...)...)
		var e bytes.Buffer
		cmd.Stderr = &e
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("ffmpeg %s: %v %s", strings.Join(args, " "), err, e.String())
		}
		return nil
	}
}

func run(runs int, playFor time.Duration) (bool, error) {
	mp3, err := benchfix.MP310()
	if err != nil {
		return false, err
	}
	wav, err := benchfix.WAV10()
	if err != nil {
		return false, err
	}
	items, err := benchfix.Items()
	if err != nil {
		return false, err
	}
	allOK := true
	mark := func(ok bool) string {
		if ok {
			return "ok"
		}
		allOK = false
		return "MISSED"
	}
	fmt.Printf("loa audio engine vs ffmpeg — best of %d runs, wall clock\n\n", runs)

	// Decode.
	var secs float64
	loaDec, err := best(runs, func() error {
		var err error
		secs, err = decodeAll(mp3)
		return err
	})
	if err != nil {
		return false, err
	}
	ffDec, err := best(runs, ffmpeg("-i", mp3, "-f", "s16le", "-y", "/dev/null"))
	if err != nil {
		return false, err
	}
	fmt.Printf("decode 10-min 128 kbps MP3 to PCM\n  loa    %6.2f s  (%4.0f× real time)\n  ffmpeg %6.2f s  (-f s16le)\n  loa/ffmpeg time ratio %.2f (honest: loa is %s)\n\n",
		loaDec.Seconds(), secs/loaDec.Seconds(), ffDec.Seconds(), loaDec.Seconds()/ffDec.Seconds(), fasterSlower(loaDec, ffDec))

	// Loudness.
	loaLoud, err := best(runs, func() error {
		f, err := os.Open(wav)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = audio.Analyze(context.Background(), f)
		return err
	})
	if err != nil {
		return false, err
	}
	ffTP, err := best(runs, ffmpeg("-i", wav, "-af", "ebur128=peak=true", "-f", "null", "-"))
	if err != nil {
		return false, err
	}
	ffI, err := best(runs, ffmpeg("-i", wav, "-af", "ebur128", "-f", "null", "-"))
	if err != nil {
		return false, err
	}
	fmt.Printf("loudness (integrated + true peak) of a 10-min 44.1 kHz stereo WAV\n  loa                          %6.2f s\n  ffmpeg ebur128=peak=true     %6.2f s  loa is %s  [target: faster] %s\n  ffmpeg ebur128 (no true peak)%6.2f s  loa is %s\n\n",
		loaLoud.Seconds(), ffTP.Seconds(), fasterSlower(loaLoud, ffTP), mark(loaLoud < ffTP), ffI.Seconds(), fasterSlower(loaLoud, ffI))

	// Render.
	var progSecs float64
	loaRender, err := best(runs, func() error {
		var err error
		progSecs, err = render(items)
		return err
	})
	if err != nil {
		return false, err
	}
	x := progSecs / loaRender.Seconds()
	fmt.Printf("render a %.0f-min programme (6 stored items, levelled at ingest; 3 need resampling, quality %d; high-pass, compressor, limiter)\n  loa %6.2f s = %.0f× real time  [target: ≥100×] %s\n\n",
		progSecs/60, audio.DefaultOptions().ResampleQuality, loaRender.Seconds(), x, mark(x >= 100))

	// Levelling: what ingest does once per script (decode, measure, run the
	// station chain until the output measures the target).
	var lv audio.Level
	loaLevel, err := best(runs, func() error {
		f, err := os.Open(mp3)
		if err != nil {
			return err
		}
		defer f.Close()
		info, err := audio.AnalyzeLevel(context.Background(), f, audio.DefaultOptions())
		if info.Level != nil {
			lv = *info.Level
		}
		return err
	})
	if err != nil {
		return false, err
	}
	ffNorm, err := best(runs, ffmpeg("-i", mp3, "-af", "loudnorm=I=-16:TP=-1", "-f", "null", "-"))
	if err != nil {
		return false, err
	}
	fmt.Printf("ingest levelling of the 10-min MP3 (analyse, then the chain run until it measures the target)\n  loa    %6.2f s  (%4.0f× real time; gain %+.1f dB, makeup %+.1f dB → %.2f LUFS %.2f dBTP)\n  ffmpeg %6.2f s  (loudnorm=I=-16:TP=-1, one pass)\n\n",
		loaLevel.Seconds(), secs/loaLevel.Seconds(), lv.GainDB, lv.MakeupDB, lv.LUFS, lv.DBTP, ffNorm.Seconds())

	// Playout CPU, real time.
	cpu, played, err := playout(items, playFor)
	if err != nil {
		return false, err
	}
	pct := 100 * cpu.Seconds() / played
	fmt.Printf("real-time playout (null output paced by the clock; gain, limiter working, 16-bit quantisation)\n  CPU %.2f%% of one core over %.0f s  [target: <5%%] %s\n\n", pct, played, mark(pct < 5))

	// Memory, 2-hour programme, in a child process.
	exe, err := os.Executable()
	if err != nil {
		return false, err
	}
	out, err := exec.Command(exe, "-mem-child").Output()
	if err != nil {
		return false, fmt.Errorf("memory child: %v", err)
	}
	f := strings.Fields(string(out))
	if len(f) < 2 {
		return false, fmt.Errorf("memory child printed %q", out)
	}
	kb, _ := strconv.Atoi(f[0])
	hrs, _ := strconv.ParseFloat(f[1], 64)
	mb := float64(kb) / 1024
	fmt.Printf("peak memory rendering a %.1f-hour programme (whole process, max RSS)\n  %.1f MB  [target: <64 MB] %s\n", hrs, mb, mark(mb < 64))
	return allOK, nil
}

func fasterSlower(a, b time.Duration) string {
	if a <= b {
		return fmt.Sprintf("%.2f× faster", b.Seconds()/a.Seconds())
	}
	return fmt.Sprintf("%.2f× slower", a.Seconds()/b.Seconds())
}

func decodeAll(path string) (float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	d, err := audio.Open(f)
	if err != nil {
		return 0, err
	}
	buf := make([]float32, 8192)
	var n int64
	for {
		k, err := d.Read(buf)
		n += int64(k / d.Channels())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	return float64(n) / float64(d.SampleRate()), nil
}

func render(items []audio.Item) (float64, error) {
	o := audio.DefaultOptions()
	r, err := audio.NewRenderer(context.Background(), items, o)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	buf := make([]float32, 8192)
	var n int64
	for {
		k, err := r.Read(buf)
		n += int64(k)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	for _, it := range r.Results() {
		if it.Err != nil {
			return 0, it.Err
		}
	}
	return float64(n) / float64(o.SampleRate*o.Channels), nil
}

func playout(items []audio.Item, d time.Duration) (time.Duration, float64, error) {
	hot := make([]audio.Item, len(items))
	for i, it := range items {
		in := *it.Info
		lv := *in.Level
		lv.GainDB += 6 // gain +6 dB more: the compressor and limiter must work
		in.Level = &lv
		hot[i] = it
		hot[i].Info = &in
	}
	r, err := audio.NewRenderer(context.Background(), hot, audio.DefaultOptions())
	if err != nil {
		return 0, 0, err
	}
	defer r.Close()
	out, err := output.Parse("null")
	if err != nil {
		return 0, 0, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	c0 := benchfix.CPUTime()
	pl, err := out.Play(ctx, r, nil)
	cpu := benchfix.CPUTime() - c0
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return 0, 0, err
	}
	return cpu, float64(pl.Frames) / float64(r.SampleRate()), nil
}

// memChildRun renders the 30-minute programme four times over (2 hours)
// through the output path and prints max RSS (KB) and hours.
func memChildRun() error {
	items, err := benchfix.Items()
	if err != nil {
		return err
	}
	var long []audio.Item
	for i := 0; i < 4; i++ {
		long = append(long, items...)
	}
	r, err := audio.NewRenderer(context.Background(), long, audio.DefaultOptions())
	if err != nil {
		return err
	}
	defer r.Close()
	out, _ := output.Parse("null:instant")
	pl, err := out.Play(context.Background(), r, nil)
	if err != nil {
		return err
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Println(ru.Maxrss, float64(pl.Frames)/float64(r.SampleRate())/3600)
	return nil
}
