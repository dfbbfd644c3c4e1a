package output

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"loa/internal/audio"
)

// wavRec records one Play into DIR/<UTC start>.wav.
type wavRec struct {
	path   string
	f      *os.File
	w      *audio.WAVWriter
	ch     int
	sinceF int64
	rate   int
}

func newWavRec(dir string, start time.Time, rate, ch int) (*wavRec, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output wav:%s: %w", dir, err)
	}
	base := start.UTC().Format("20060102T150405Z")
	for i := 1; ; i++ {
		name := base + ".wav"
		if i > 1 {
			name = fmt.Sprintf("%s-%d.wav", base, i)
		}
		p := filepath.Join(dir, name)
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if os.IsExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("output wav:%s: %w", dir, err)
		}
		w, err := audio.NewWAVWriter(f, rate, ch)
		if err != nil {
			f.Close()
			os.Remove(p)
			return nil, fmt.Errorf("output %s: %w", p, err)
		}
		return &wavRec{path: p, f: f, w: w, ch: ch, rate: rate}, nil
	}
}

func (r *wavRec) write(pcm []byte) error {
	if err := r.w.WritePCM(pcm); err != nil {
		return fmt.Errorf("output %s: %w", r.path, err)
	}
	r.sinceF += int64(len(pcm) / (2 * r.ch))
	if r.sinceF >= int64(r.rate) {
		// Patch the header every second of audio, as often as the airtime
		// log records progress: a crash leaves a valid file within a second
		// of what went out.
		r.sinceF = 0
		if err := r.w.Flush(); err != nil {
			return fmt.Errorf("output %s: %w", r.path, err)
		}
	}
	return nil
}

// close cuts the file to frames (when >= 0 and fewer were written) and
// finishes it.
func (r *wavRec) close(frames int64) error {
	var err error
	if frames >= 0 && frames < r.w.Frames() {
		size := 44 + frames*int64(r.ch)*2
		if err = r.f.Truncate(size); err == nil {
			_, err = r.f.Seek(size, io.SeekStart)
		}
		if err == nil {
			// A writer that knows frames were written, for the header patch.
			r.w = audio.ResumeWAVWriter(r.f, r.rate, r.ch, frames)
		}
	}
	if err == nil {
		err = r.w.Flush()
	}
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("output %s: %w", r.path, err)
	}
	return nil
}
