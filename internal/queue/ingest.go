package queue

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"loa/internal/audio"
	"loa/internal/content"
	"loa/internal/database"
	"loa/internal/inputerr"
)

// Upload is a file handed to the queue: by the command line (an opened
// file) or the console (a form upload). The queue copies R into its own
// store, so the caller may close or delete the source afterwards.
type Upload struct {
	// Name is how the officer knows the file (a path or the uploaded file's
	// name): errors name it, and the script's history keeps it.
	Name string
	R    io.Reader
	// Size is the length in bytes when known (progress only); 0 if unknown.
	Size int64
	// Progress, if set, is told how this upload's ingest advances; nil uses
	// the Queue's (WithProgress).
	Progress Progress
}

// errTooLarge ends a copy that passes the size cap.
var errTooLarge = errors.New("over the size cap")

// capReader fails once more than max bytes have been read.
type capReader struct {
	r   io.Reader
	max int64
	n   int64
}

func (c *capReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	if c.n > c.max {
		return n, errTooLarge
	}
	return n, err
}

// ingested is audio staged in the content store and validated. It takes its
// content name (commit) inside the write transaction that references it,
// and stays only if that transaction commits (keep). Both the move into
// place and the cleanup after a failed write (discard) hold the database's
// write lock, so a cleanup can never remove a file that a concurrent ingest
// of the same bytes has just referenced: that ingest's row is either
// counted by the cleanup, or written after it, moving its own copy in.
type ingested struct {
	q         *Queue
	staged    *content.Staged
	media     Media
	committed bool
	created   bool // the commit made the content file (it was not there)
	kept      bool
	note      string // for the script's history: where converted audio came from
}

// ingest copies the upload into the store and decodes the stored copy whole
// (so what is validated is exactly what will air). A format the analyzer
// does not decode is converted to FLAC first, when a converter is
// available, and the FLAC is what is stored. A nil upload is no audio
// change. Every rejection is an input error naming the file.
func (q *Queue) ingest(ctx context.Context, up *Upload) (*ingested, error) {
	if up == nil {
		return nil, nil
	}
	name := up.Name
	// code is for edges that word it themselves (the console).
	bad := func(code, format string, args ...any) error {
		return inputerr.Field("audio", code, "audio %s: "+format, append([]any{name}, args...)...)
	}
	failed := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("ingest %s: %w", name, ctx.Err())
		}
		return fmt.Errorf("ingest %s: %w", name, err)
	}
	if q.analyze == nil {
		return nil, errors.New("ingest: no audio analyzer configured")
	}
	progress := up.Progress
	if progress == nil {
		progress = q.progress
	}
	maxMB := q.cfg.Ingest.MaxFileMB
	src := &capReader{r: up.R, max: int64(maxMB) << 20}
	staged, err := q.store.Stage(ctx, &progressReader{r: src, total: up.Size, phase: "copy", report: progress})
	switch {
	case errors.Is(err, errTooLarge):
		return nil, bad("too_large", "larger than %d MB (config ingest.max_file_mb)", maxMB)
	case err != nil:
		return nil, failed(err)
	}
	ok := false
	defer func() {
		if !ok {
			staged.Discard()
		}
	}()
	if staged.Size == 0 {
		return nil, bad("empty", "file is empty (0 bytes)")
	}
	m, err := q.analyzeStaged(ctx, staged, progress)
	note := ""
	if errors.Is(err, audio.ErrUnsupported) || errors.Is(err, audio.ErrNotAudio) {
		if q.convert == nil {
			if errors.Is(err, audio.ErrNotAudio) {
				return nil, bad("not_audio", "not an audio file")
			}
			return nil, bad("unsupported", "%s", needFFmpeg(err, ""))
		}
		orig := staged
		flac, cerr := q.convertStaged(ctx, orig)
		if cerr != nil {
			if ctx.Err() != nil {
				return nil, failed(cerr)
			}
			if errors.Is(cerr, audio.ErrNoFFmpeg) { // named by the config, not there
				if errors.Is(err, audio.ErrNotAudio) {
					return nil, bad("not_audio", "not an audio file")
				}
				return nil, bad("unsupported", "%s", needFFmpeg(err, q.cfg.Ingest.FFmpeg))
			}
			// ffmpeg cannot read it either: what loa found is the reason.
			return nil, bad(audioCode(err), "%s (%v)", strings.TrimPrefix(err.Error(), "audio: "), cerr)
		}
		orig.Discard()
		staged = flac
		note = fmt.Sprintf("audio %s (sha256 %s, %s) converted to FLAC", baseName(name), orig.SHA256, sourceFormat(err))
		m, err = q.analyzeStaged(ctx, staged, progress)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, failed(err)
		}
		// The audio package's errors read "audio: …"; the message already
		// starts with "audio FILE:".
		return nil, bad(audioCode(err), "%s", strings.TrimPrefix(err.Error(), "audio: "))
	}
	if m.SampleRate <= 0 || m.Frames <= 0 {
		return nil, bad("empty", "no audio in file")
	}
	d := time.Duration(m.Seconds() * float64(time.Second))
	if min := q.cfg.Scripts.MinLength.D(); d < min {
		return nil, bad("too_short", "too short: %.3f s (minimum %s)", m.Seconds(), min)
	}
	if max := q.cfg.Scripts.MaxLength.D(); d > max {
		if note != "" && d >= max+convertSlack-10*time.Millisecond {
			// The conversion stopped here: the recording is longer.
			return nil, bad("too_long", "too long: at least %.0f s (maximum %s, config scripts.max_length)", (max + convertSlack).Seconds(), max)
		}
		return nil, bad("too_long", "too long: %.1f s (maximum %s, config scripts.max_length)", m.Seconds(), max)
	}
	if why := q.silent(m); why != "" {
		return nil, bad("silent", "%s", why)
	}
	ok = true
	return &ingested{q: q, staged: staged, media: m, note: note}, nil
}

// Silence that is refused at ingest: it would air as nothing (and be
// counted as a broadcast).
const (
	// silentLUFS: below this integrated loudness a file is near-silence
	// (speech recorded with a dead microphone measures around −70).
	silentLUFS = -60
	// maxSilentShare: more of the file than this below the silence
	// threshold is a recording of mostly nothing.
	maxSilentShare = 0.8
)

// silent says why m is silence or mostly silence, or "" if it is not. The
// share below audio.silence_threshold_dbfs is judged as the renderer trims:
// after the gain the item gets on air (to audio.target_lufs, within the
// renderer's gain limit), so a quiet but clean recording is not refused.
func (q *Queue) silent(m Media) string {
	if m.IntegratedLUFS < silentLUFS {
		if m.TruePeakDBTP <= audio.FloorDBTP {
			return "digital silence (every sample is zero)"
		}
		return fmt.Sprintf("near-silence: integrated loudness %.1f LUFS (below %d LUFS)", m.IntegratedLUFS, silentLUFS)
	}
	limit := audio.DefaultOptions().MaxGainDB
	gain := max(-limit, min(limit, q.cfg.Audio.TargetLUFS-m.IntegratedLUFS))
	if m.Level != nil {
		gain = m.Level.GainDB // the gain the renderer trims after, exactly
	}
	thr := q.cfg.Audio.SilenceDBFS - gain
	if share := m.Levels.FractionBelow(thr); share > maxSilentShare {
		return fmt.Sprintf("mostly silence: %.0f %% of it is below the silence threshold (%g dBFS after its %+.1f dB gain to the target; config audio.silence_threshold_dbfs)",
			100*share, q.cfg.Audio.SilenceDBFS, gain)
	}
	return ""
}

// audioCode is the input error code for an analyzer's refusal.
func audioCode(err error) string {
	switch {
	case errors.Is(err, audio.ErrNotAudio):
		return "not_audio"
	case errors.Is(err, audio.ErrUnsupported):
		return "unsupported"
	case errors.Is(err, audio.ErrEmpty):
		return "empty"
	}
	return "corrupt"
}

// analyzeStaged decodes a staged file whole.
func (q *Queue) analyzeStaged(ctx context.Context, st *content.Staged, progress Progress) (Media, error) {
	f, err := os.Open(st.Path)
	if err != nil {
		return Media{}, err
	}
	defer f.Close()
	return q.analyze(ctx, &progressReader{r: f, total: st.Size, phase: "decode", report: progress})
}

// convertSlack is how far past scripts.max_length a conversion goes.
const convertSlack = time.Second

// convertStaged has the converter turn a staged file into FLAC, staged in
// its place. The limit is a little over scripts.max_length, so that a file
// too long is still refused as too long, and an endless one stops.
func (q *Queue) convertStaged(ctx context.Context, orig *content.Staged) (*content.Staged, error) {
	tmp, err := os.CreateTemp(q.store.Dir(), ".convert-*.flac")
	if err != nil {
		return nil, err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	if err := q.convert(ctx, orig.Path, tmp.Name(), q.cfg.Scripts.MaxLength.D()+convertSlack); err != nil {
		return nil, err
	}
	f, err := os.Open(tmp.Name())
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return q.store.Stage(ctx, f)
}

// needFFmpeg is the refusal of a format only ffmpeg reads, when it is not
// installed: what loa accepts and how to get the file accepted, for the
// officer (Vietnamese) and the administrator (English). configured is the
// ffmpeg that config ingest.ffmpeg names and that is not there ("" if none
// is named): the administrator may believe it installed.
func needFFmpeg(err error, configured string) string {
	what := sourceFormat(err)
	vi, en := "", ""
	if configured != "" {
		vi = fmt.Sprintf(" (không thấy ffmpeg ở %s theo cấu hình ingest.ffmpeg)", configured)
		en = fmt.Sprintf("; ffmpeg not found at %s (config ingest.ffmpeg)", configured)
	}
	return fmt.Sprintf("loa chưa đọc được định dạng %s — loa nhận MP3, WAV, FLAC, OGG; "+
		"hãy gửi lại tệp MP3 hoặc WAV, hoặc nhờ quản trị cài ffmpeg (gói Debian ffmpeg) để nhận M4A, AAC, AMR, Opus, 3GP, WMA%s "+
		"/ unsupported format %s: loa reads MP3, WAV, FLAC and Ogg Vorbis; send the file as MP3 or WAV, "+
		"or install ffmpeg (Debian package ffmpeg, or config ingest.ffmpeg) to accept M4A, AAC, AMR, Opus, 3GP, WMA%s", what, vi, what, en)
}

// sourceFormat is the format the analyzer named in its refusal ("MP4/M4A").
func sourceFormat(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, "unsupported format: "); i >= 0 {
		return s[i+len("unsupported format: "):]
	}
	return "unrecognised format"
}

// baseName is the file's own name, from a path of either kind of system
// (a browser on Windows may send "C:\fakepath\ghi-am.m4a").
func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// commit moves the staged audio to its content name. Call it inside the
// write transaction that references it.
func (i *ingested) commit() error {
	if i == nil || i.committed {
		return nil
	}
	created, err := i.staged.Commit()
	if err != nil {
		return fmt.Errorf("store audio: %w", err)
	}
	i.committed, i.created = true, created
	return nil
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
	s.Level = m.Level
	s.NeedsAudio = false
}

// warnings tells what the officer should know about the ingested audio of
// script id (0 before it has one): other scripts with the same audio.
func (i *ingested) warnings(ctx context.Context, id int64) ([]Warning, error) {
	if i == nil {
		return nil, nil
	}
	rows, err := i.q.db.QueryContext(ctx, `SELECT id FROM scripts WHERE audio_sha256 = ? AND id != ? ORDER BY id`, i.staged.SHA256, id)
	if err != nil {
		return nil, fmt.Errorf("look for the same audio: %w", err)
	}
	defer rows.Close()
	var out []Warning
	if lv := i.media.Level; lv != nil && lv.Short != "" {
		vi := fmt.Sprintf("âm thanh sau xử lý đạt %.1f LUFS, lệch %.1f LU so với mức chuẩn %g LUFS của đài", lv.LUFS, lv.LUFS-i.q.cfg.Audio.TargetLUFS, i.q.cfg.Audio.TargetLUFS)
		if lv.NeedDB > lv.CapDB {
			vi = fmt.Sprintf("âm thanh quá nhỏ: cần tăng %+.0f dB, vượt giới hạn %+g dB, nên sau xử lý chỉ đạt %.1f LUFS (mức chuẩn %g LUFS); nên ghi âm lại to hơn, gần micrô hơn",
				lv.NeedDB, lv.CapDB, lv.LUFS, i.q.cfg.Audio.TargetLUFS)
		}
		out = append(out, Warning{Code: WarnLevel, Message: strings.ReplaceAll(vi, ".", ",") + " (" + lv.Short + ")"})
	}
	for rows.Next() {
		var other int64
		if err := rows.Scan(&other); err != nil {
			return nil, fmt.Errorf("look for the same audio: %w", err)
		}
		out = append(out, Warning{Code: WarnSameAudio, Script: other,
			Message: fmt.Sprintf("âm thanh trùng với bài #%d (same audio as script #%d)", other, other)})
	}
	return out, rows.Err()
}

// withNote adds the ingest's note, if any, to a history note.
func (i *ingested) withNote(note string) string {
	if i == nil || i.note == "" {
		return note
	}
	return note + "; " + i.note
}

func (i *ingested) keep() {
	if i != nil {
		i.kept = true
	}
}

// discard undoes the store commit when the database write did not happen,
// unless another script uses the same content. The count and the removal
// are one write transaction (see ingested).
func (i *ingested) discard(ctx context.Context) {
	if i == nil || i.kept {
		return
	}
	if !i.committed {
		i.staged.Discard()
		return
	}
	if !i.created {
		return
	}
	// The write may have failed because ctx ended: the cleanup still runs.
	// If it fails, an unreferenced file stays in the store: harmless.
	database.Tx(context.WithoutCancel(ctx), i.q.db, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM scripts WHERE audio_sha256 = ?`, i.staged.SHA256).Scan(&n); err != nil || n > 0 {
			return err
		}
		return i.q.store.Remove(i.staged.SHA256)
	})
}

// progressReader reports progress of a long read; it seeks through for the
// decoder. Progress counts bytes read, not the position: decoders look for
// tags at the end of the file first, and the bar must not jump to 100 %
// and back.
type progressReader struct {
	r      io.Reader
	total  int64 // 0 when unknown
	done   int64
	phase  string
	report Progress
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	if p.report != nil && (n > 0 || err == io.EOF) {
		done := p.done
		if p.total > 0 {
			done = min(done, p.total)
		}
		p.report(p.phase, done, p.total)
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

// levelColumn is the scripts.audio_level value of lv: JSON, or empty.
func levelColumn(lv *Level) string {
	if lv == nil {
		return ""
	}
	b, err := json.Marshal(lv)
	if err != nil {
		return ""
	}
	return string(b)
}

// IngestAudio stores audio that is no script's (an urgent announcement),
// refused and measured as a script's audio is, and returns its sha256 and
// what decoding it told.
func (q *Queue) IngestAudio(ctx context.Context, up *Upload) (string, Media, error) {
	if up == nil {
		return "", Media{}, inputerr.Field("audio", "required", "audio: required")
	}
	ing, err := q.ingest(ctx, up)
	if err != nil {
		return "", Media{}, err
	}
	if err := ing.commit(); err != nil {
		ing.discard(ctx)
		return "", Media{}, err
	}
	ing.keep()
	return ing.staged.SHA256, ing.media, nil
}
