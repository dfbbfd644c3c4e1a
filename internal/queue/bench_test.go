package queue

import (
	"context"
	"fmt"
	"loa/internal/audio"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkIngestMP3 measures ingest of a 5-minute 128 kbit/s MP3: copy into
// the store, hash, decode whole, measure loudness, insert. The same content
// every iteration, so after the first it also covers deduplication.
func BenchmarkIngestMP3(b *testing.B) {
	if _, err := exec.LookPath("lame"); err != nil {
		b.Skip("lame not installed: cannot make the MP3 fixture (apt-get install lame)")
	}
	dir := b.TempDir()
	wav := writeWAV(b, filepath.Join(dir, "5min.wav"), 300, 44100, 2, 330)
	mp3 := filepath.Join(dir, "5min.mp3")
	if out, err := exec.Command("lame", "--quiet", "-b", "128", wav, mp3).CombinedOutput(); err != nil {
		b.Fatalf("lame: %v %s", err, out)
	}
	fi, _ := os.Stat(mp3)
	f := newFixture(b)
	f.q.cfg.Scripts.MaxLength = f.q.cfg.Scripts.MaxLength * 100
	b.SetBytes(fi.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := f.q.Add(context.Background(), Fields{Title: ptr("Năm phút"), Topic: ptr("ke-hoach"), Audio: file(mp3)}, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(300*float64(b.N)/b.Elapsed().Seconds(), "x_realtime")
}

// BenchmarkIngestFormats measures ingest of the same 5-minute stereo tone
// in the formats people send: FLAC and Ogg Vorbis decoded natively, M4A
// (AAC 128 kbit/s) converted to FLAC by ffmpeg first. Compare with
// BenchmarkIngestMP3.
func BenchmarkIngestFormats(b *testing.B) {
	ff, err := audio.FindFFmpeg("")
	if err != nil {
		b.Skip("ffmpeg not installed: cannot make the fixtures (apt-get install ffmpeg)")
	}
	dir := b.TempDir()
	wav := writeWAV(b, filepath.Join(dir, "5min.wav"), 300, 44100, 2, 330)
	for _, tc := range []struct{ name, ext string }{
		{"flac", "flac"}, {"vorbis", "ogg"}, {"m4a-via-ffmpeg", "m4a"},
	} {
		p := filepath.Join(dir, "5min."+tc.ext)
		args := []string{"-v", "error", "-y", "-i", wav}
		switch tc.ext {
		case "ogg":
			args = append(args, "-c:a", "libvorbis", "-q:a", "4")
		case "m4a":
			args = append(args, "-c:a", "aac", "-b:a", "128k")
		}
		if out, err := exec.Command(ff.Path, append(args, p)...).CombinedOutput(); err != nil {
			b.Fatalf("ffmpeg: %v %s", err, out)
		}
		b.Run(tc.name, func(b *testing.B) {
			fi, _ := os.Stat(p)
			f := newFixture(b)
			f.q.cfg.Scripts.MaxLength = f.q.cfg.Scripts.MaxLength * 100
			f.q.convert = ff.ToFLAC
			b.SetBytes(fi.Size())
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := f.q.Add(context.Background(), Fields{Title: ptr("Năm phút"), Topic: ptr("ke-hoach"), Audio: file(p)}, "bench"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(300*float64(b.N)/b.Elapsed().Seconds(), "x_realtime")
		})
	}
}

// BenchmarkList100k lists a queue of 100,000 scripts with their play counts.
func BenchmarkList100k(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	tx, _ := f.q.db.Begin()
	st, _ := tx.Prepare(`INSERT INTO scripts (title, topic, audio_sha256, duration_s, frames, sample_rate, channels, status, approved_by, approved_at, created_at, updated_at)
		VALUES (?, 'ke-hoach', ?, 61.2, 2698920, 44100, 1, 'approved', 'Chủ tịch', '2023-01-02T01:00:00.000Z', '2023-01-01T01:00:00.000Z', '2023-01-01T01:00:00.000Z')`)
	for i := 0; i < 100000; i++ {
		if _, err := st.Exec(fmt.Sprintf("Bài tuyên truyền số %d", i), fmt.Sprintf("%064x", i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		list, err := f.q.List(ctx, "")
		if err != nil || len(list) != 100000 {
			b.Fatalf("%d, %v", len(list), err)
		}
	}
}
