package queue

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"loa/internal/content"
	"loa/internal/inputerr"
)

// ingested is audio staged in the content store and validated; it becomes
// permanent only when keep is called after the database commit.
type ingested struct {
	q       *Queue
	staged  *content.Staged
	media   Media
	created bool
	kept    bool
}

// ingest copies the file at path into the store and decodes the stored copy
// whole (so what is validated is exactly what will air). A nil path is no
// audio change. Every rejection is an input error naming the file.
func (q *Queue) ingest(ctx context.Context, path *string) (*ingested, error) {
	if path == nil {
		return nil, nil
	}
	p := *path
	bad := func(format string, args ...any) error {
		return inputerr.New("audio %s: "+format, append([]any{p}, args...)...)
	}
	if q.analyze == nil {
		return nil, errors.New("ingest: no audio analyzer configured")
	}
	fi, err := os.Stat(p)
	switch {
	case err != nil:
		return nil, bad("%v", unwrapPathErr(err))
	case fi.IsDir():
		return nil, bad("is a directory")
	case fi.Size() == 0:
		return nil, bad("file is empty (0 bytes)")
	}
	src, err := os.Open(p)
	if err != nil {
		return nil, bad("%v", unwrapPathErr(err))
	}
	defer src.Close()
	staged, err := q.store.Stage(ctx, &progressReader{r: src, total: fi.Size(), phase: "copy", report: q.progress})
	if err != nil {
		return nil, fmt.Errorf("ingest %s: %w", p, err)
	}
	ok := false
	defer func() {
		if !ok {
			staged.Discard()
		}
	}()
	f, err := os.Open(staged.Path)
	if err != nil {
		return nil, fmt.Errorf("ingest %s: %w", p, err)
	}
	defer f.Close()
	m, err := q.analyze(ctx, &progressReader{r: f, total: staged.Size, phase: "decode", report: q.progress})
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("ingest %s: %w", p, ctx.Err())
		}
		// The audio package's errors read "audio: …"; the message already
		// starts with "audio FILE:".
		return nil, bad("%s", strings.TrimPrefix(err.Error(), "audio: "))
	}
	if m.SampleRate <= 0 || m.Frames <= 0 {
		return nil, bad("no audio in file")
	}
	d := time.Duration(m.Seconds() * float64(time.Second))
	if min := q.cfg.Scripts.MinLength.D(); d < min {
		return nil, bad("too short: %.3f s (minimum %s)", m.Seconds(), min)
	}
	if max := q.cfg.Scripts.MaxLength.D(); d > max {
		return nil, bad("too long: %.1f s (maximum %s, config scripts.max_length)", m.Seconds(), max)
	}
	created, err := staged.Commit()
	if err != nil {
		return nil, fmt.Errorf("ingest %s: %w", p, err)
	}
	ok = true
	return &ingested{q: q, staged: staged, media: m, created: created}, nil
}

func (i *ingested) apply(s *Script) {
	if i == nil {
		return
	}
	m := i.media
	s.AudioSHA256 = i.staged.SHA256
	s.AudioFormat, s.SampleRate, s.Channels, s.Frames = m.Format, m.SampleRate, m.Channels, m.Frames
	s.DurationS = m.Seconds()
	lufs, tp := m.IntegratedLUFS, m.TruePeakDBTP
	s.LoudnessLUFS, s.TruePeakDBTP = &lufs, &tp
	s.NeedsAudio = false
}

func (i *ingested) keep() {
	if i != nil {
		i.kept = true
	}
}

// discard undoes the store commit when the database write did not happen,
// unless another script already uses the same content.
func (i *ingested) discard() {
	if i == nil || i.kept || !i.created {
		return
	}
	var n int
	err := i.q.db.QueryRow(`SELECT count(*) FROM scripts WHERE audio_sha256 = ?`, i.staged.SHA256).Scan(&n)
	if err == nil && n == 0 {
		i.q.store.Remove(i.staged.SHA256)
	}
}

// progressReader reports progress of a long read; it seeks through for the
// decoder. Progress counts bytes read, not the position: decoders look for
// tags at the end of the file first, and the bar must not jump to 100 %
// and back.
type progressReader struct {
	r      io.Reader
	total  int64
	done   int64
	phase  string
	report Progress
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	if p.report != nil && (n > 0 || err == io.EOF) {
		p.report(p.phase, min(p.done, p.total), p.total)
	}
	return n, err
}

func (p *progressReader) Seek(off int64, whence int) (int64, error) {
	s, ok := p.r.(io.Seeker)
	if !ok {
		return 0, errors.New("not seekable")
	}
	return s.Seek(off, whence)
}
