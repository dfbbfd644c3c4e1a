package queue

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"loa/internal/audio"
	"loa/internal/config"
	"loa/internal/content"
	"loa/internal/database"
	"loa/internal/inputerr"
)

// analyze is the audio engine itself: Media is its Info.
var analyze Analyzer = audio.Analyze

type fixture struct {
	q     *Queue
	store *content.Store
	dir   string
	now   time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	db, err := database.Open(context.Background(), filepath.Join(dir, database.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := content.Open(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Scripts.MaxLength = config.Duration(10 * time.Second)
	f := &fixture{store: st, dir: dir, now: time.Date(2023, 3, 1, 2, 0, 0, 0, time.UTC)}
	f.q = New(db, st, cfg, analyze, WithClock(func() time.Time { return f.now }))
	return f
}

// writeWAV writes a 16-bit PCM sine tone.
func writeWAV(t testing.TB, path string, seconds float64, rate, channels int, freq float64) string {
	t.Helper()
	return writeSegments(t, path, rate, channels, segment{seconds, 20 * math.Log10(0.3), freq})
}

// segment is a stretch of sine tone at a peak level (−Inf: digital silence).
type segment struct{ seconds, dbfs, freq float64 }

// writeSegments writes a 16-bit PCM WAV of the segments one after another.
func writeSegments(t testing.TB, path string, rate, channels int, segs ...segment) string {
	t.Helper()
	var data []byte
	for _, sg := range segs {
		a := math.Pow(10, sg.dbfs/20)
		for i := 0; i < int(sg.seconds*float64(rate)); i++ {
			v := int16(math.Round(a * 32767 * math.Sin(2*math.Pi*sg.freq*float64(i)/float64(rate))))
			for c := 0; c < channels; c++ {
				data = binary.LittleEndian.AppendUint16(data, uint16(v))
			}
		}
	}
	h := make([]byte, 44)
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+len(data)))
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1)
	binary.LittleEndian.PutUint16(h[22:], uint16(channels))
	binary.LittleEndian.PutUint32(h[24:], uint32(rate))
	binary.LittleEndian.PutUint32(h[28:], uint32(rate*channels*2))
	binary.LittleEndian.PutUint16(h[32:], uint16(channels*2))
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(len(data)))
	if err := os.WriteFile(path, append(h, data...), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func ptr[T any](v T) *T { return &v }

// file is the upload of the file at path, read whole as the command line
// would stream it.
func file(path string) *Upload {
	b, err := os.ReadFile(path)
	if err != nil {
		return &Upload{Name: path, R: iotest.ErrReader(err)}
	}
	return &Upload{Name: path, R: bytes.NewReader(b), Size: int64(len(b))}
}

func (f *fixture) add(t testing.TB, title, topic string, seconds, freq float64) Script {
	t.Helper()
	p := writeWAV(t, filepath.Join(t.TempDir(), "a.wav"), seconds, 22050, 1, freq)
	s, _, err := f.q.Add(context.Background(), Fields{Title: ptr(title), Topic: ptr(topic), Audio: file(p)}, "operator")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// heard is the audio an approver listened to: the script's current hash.
func (f *fixture) heard(t testing.TB, id int64) string {
	t.Helper()
	s, err := f.q.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s.AudioSHA256
}

func (f *fixture) counts(t testing.TB) (rows, events, files int) {
	t.Helper()
	// A failed count would read as zero and pass "nothing was left".
	if err := f.q.db.QueryRow(`SELECT (SELECT count(*) FROM scripts), (SELECT count(*) FROM script_events)`).Scan(&rows, &events); err != nil {
		t.Fatal(err)
	}
	es, err := os.ReadDir(f.store.Dir())
	if err != nil {
		t.Fatal(err)
	}
	return rows, events, len(es)
}

func TestAddStoresContentAndMetadata(t *testing.T) {
	f := newFixture(t)
	p := writeWAV(t, filepath.Join(t.TempDir(), "x.wav"), 2.5, 22050, 1, 440)
	s, _, err := f.q.Add(context.Background(), Fields{
		Title: ptr("  Cải cách thủ tục hành chính  "), Topic: ptr("mot-cua-dvc"), Area: ptr("thu-tuc"),
		Author: ptr("Công chức Văn hóa – Xã hội"), Audio: file(p), Priority: ptr("priority"),
		From: ptr("2023-03-01"), Until: ptr("2023-06-30"), MaxPlays: ptr(4),
	}, "operator")
	if err != nil {
		t.Fatal(err)
	}
	if s.ID != 1 || s.Title != "Cải cách thủ tục hành chính" || s.Audience != "nguoi-dan" || s.Status != Submitted {
		t.Fatalf("unexpected script %+v", s)
	}
	if s.Frames != 55125 || s.SampleRate != 22050 || s.Channels != 1 || s.AudioFormat != "wav" || s.DurationS != 2.5 {
		t.Fatalf("audio facts wrong: %+v", s)
	}
	if s.LoudnessLUFS == nil || *s.LoudnessLUFS > -5 || *s.LoudnessLUFS < -20 {
		t.Fatalf("loudness not measured: %v", s.LoudnessLUFS)
	}
	if err := f.store.Verify(context.Background(), s.AudioSHA256); err != nil {
		t.Fatal(err)
	}
	// The original may go away: loa keeps its own copy.
	os.Remove(p)
	if _, err := os.Stat(f.store.Path(s.AudioSHA256)); err != nil {
		t.Fatal(err)
	}
	// The same content twice is stored once.
	p2 := writeWAV(t, filepath.Join(t.TempDir(), "y.wav"), 2.5, 22050, 1, 440)
	_, warn, err := f.q.Add(context.Background(), Fields{Title: ptr("Lần hai"), Topic: ptr("ke-hoach"), Audio: file(p2)}, "op")
	if err != nil {
		t.Fatal(err)
	}
	if len(warn) != 1 || warn[0].Code != WarnSameAudio || warn[0].Script != 1 || !strings.Contains(warn[0].Message, "#1") {
		t.Fatalf("same audio again: warnings %+v, want one naming #1", warn)
	}
	if rows, _, files := f.counts(t); rows != 2 || files != 1 {
		t.Fatalf("rows %d files %d, want 2 rows sharing 1 file", rows, files)
	}
}

func TestAddRejectsBadInputLeavingNothing(t *testing.T) {
	dir := t.TempDir()
	good := writeWAV(t, filepath.Join(dir, "good.wav"), 2, 22050, 1, 440)
	short := writeWAV(t, filepath.Join(dir, "short.wav"), 0.5, 22050, 1, 440)
	long := writeWAV(t, filepath.Join(dir, "long.wav"), 11, 8000, 1, 440)
	empty := filepath.Join(dir, "empty.wav")
	os.WriteFile(empty, nil, 0o644)
	text := filepath.Join(dir, "notes.mp3")
	os.WriteFile(text, []byte("Kính thưa bà con, đây không phải âm thanh.\n"), 0o644)
	b, _ := os.ReadFile(good)
	trunc := filepath.Join(dir, "trunc.wav")
	os.WriteFile(trunc, b[:len(b)/3], 0o644)
	m4a := filepath.Join(dir, "x.m4a")
	os.WriteFile(m4a, append([]byte("\x00\x00\x00\x20ftypM4A "), make([]byte, 200)...), 0o644)
	emptyText := filepath.Join(dir, "empty.txt")
	os.WriteFile(emptyText, []byte("  \n"), 0o644)

	// The console words these itself, from the field and code.
	codes := map[string]string{
		"zero bytes": "audio/empty", "not audio": "audio/not_audio", "truncated": "audio/corrupt",
		"unsupported": "audio/unsupported", "too short": "audio/too_short", "too long": "audio/too_long",
		"digital silence": "audio/silent", "near-silence": "audio/silent", "mostly silence": "audio/silent",
		"title too long": "title/too_long", "text too long": "text/too_large", "text not UTF-8": "text/invalid",
		"empty text": "text/required",
	}
	for _, tc := range []struct {
		name string
		f    Fields
		want string
	}{
		{"zero bytes", Fields{Audio: file(empty)}, "empty (0 bytes)"},
		{"not audio", Fields{Audio: file(text)}, "not an audio file"},
		{"truncated", Fields{Audio: file(trunc)}, "corrupt or truncated"},
		{"unsupported", Fields{Audio: file(m4a)}, "unsupported format MP4/M4A: loa reads MP3, WAV, FLAC and Ogg Vorbis; send the file as MP3 or WAV, or install ffmpeg"},
		{"too short", Fields{Audio: file(short)}, "too short"},
		{"too long", Fields{Audio: file(long)}, "too long"},
		{"unknown topic", Fields{Topic: ptr("thoi-tiet"), Audio: file(good)}, `topic: unknown code "thoi-tiet"`},
		{"unknown area", Fields{Area: ptr("x"), Audio: file(good)}, `area: unknown code "x"`},
		{"unknown audience", Fields{Audience: ptr("tre-em"), Audio: file(good)}, `audience: unknown code "tre-em"`},
		{"unknown priority", Fields{Priority: ptr("urgent"), Audio: file(good)}, `priority: unknown code "urgent"`},
		{"empty title", Fields{Title: ptr("   "), Audio: file(good)}, "title: must not be empty"},
		{"title too long", Fields{Title: ptr(strings.Repeat("Bài ", 50) + "x"), Audio: file(good)}, "title: 201 characters, at most 200"},
		{"text too long", Fields{Text: &Upload{Name: "dai.txt", R: strings.NewReader(strings.Repeat("Kính thưa bà con. ", 6000))}}, "text dai.txt: longer than 100 KB"},
		{"text not UTF-8", Fields{Text: &Upload{Name: "cp1258.txt", R: strings.NewReader("K\xednh th\xb0a")}}, "text cp1258.txt: not UTF-8"},
		{"multi-line title", Fields{Title: ptr("Bài một\nBài hai"), Audio: file(good)}, "title: must be one line"},
		{"tab in author", Fields{Author: ptr("Tư pháp\tHộ tịch"), Audio: file(good)}, "author: must be one line"},
		{"title not UTF-8", Fields{Title: ptr("Bài \xff"), Audio: file(good)}, "title: not valid UTF-8"},
		{"author not UTF-8", Fields{Author: ptr("T\xe1\xbb ph\xe1p"), Audio: file(good)}, "author: not valid UTF-8"},
		{"until before from", Fields{From: ptr("2023-05-01"), Until: ptr("2023-04-30"), Audio: file(good)}, "until: 2023-04-30 is before from 2023-05-01"},
		{"bad date", Fields{From: ptr("2023-02-30"), Audio: file(good)}, "from: \"2023-02-30\" is not a date"},
		{"negative max plays", Fields{MaxPlays: ptr(-1), Audio: file(good)}, "max-plays"},
		{"no content", Fields{}, "needs --audio"},
		{"empty text", Fields{Text: file(emptyText)}, "empty"},
		{"digital silence", Fields{Audio: file(writeSegments(t, filepath.Join(dir, "lang.wav"), 8000, 1, segment{10, math.Inf(-1), 0}))},
			"lang.wav: digital silence (every sample is zero)"},
		{"near-silence", Fields{Audio: file(writeSegments(t, filepath.Join(dir, "nho.wav"), 8000, 2, segment{4, -63, 1000}))},
			"nho.wav: near-silence: integrated loudness -63.1 LUFS (below -60 LUFS)"},
		{"mostly silence", Fields{Audio: file(writeSegments(t, filepath.Join(dir, "it.wav"), 8000, 1, segment{1, -10, 440}, segment{5, math.Inf(-1), 0}, segment{1, -62, 440}))},
			"it.wav: mostly silence: 86 % of it is below the silence threshold (-50 dBFS after its -1.8 dB gain to the target; config audio.silence_threshold_dbfs)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.f.Title == nil {
				tc.f.Title = ptr("Bài tuyên truyền")
			}
			if tc.f.Topic == nil {
				tc.f.Topic = ptr("ke-hoach")
			}
			_, _, err := f.q.Add(context.Background(), tc.f, "op")
			if err == nil || !inputerr.Is(err) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one-line input error containing %q", err, tc.want)
			}
			if rows, events, files := f.counts(t); rows+events+files != 0 {
				t.Fatalf("left %d rows, %d events, %d files", rows, events, files)
			}
			if want, ok := codes[tc.name]; ok {
				if field, code := inputerr.FieldOf(err); field+"/"+code != want {
					t.Errorf("field/code %s/%s, want %s", field, code, want)
				}
			}
		})
	}
}

// TestUploadCapAndProgress: an upload past ingest.max_file_mb is refused
// while it is copied, whatever size it claims; a call's own progress
// reporter hears the copy and the decode, the queue's does not.
func TestUploadCapAndProgress(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var queueHeard bool
	f.q.progress = func(string, int64, int64) { queueHeard = true }
	f.q.cfg.Ingest.MaxFileMB = 1
	big := io.MultiReader(bytes.NewReader(make([]byte, 1<<20)), strings.NewReader("x"))
	_, _, err := f.q.Add(ctx, Fields{Title: ptr("Lớn"), Topic: ptr("ke-hoach"), Audio: &Upload{Name: "lon.wav", R: big}}, "op")
	if !inputerr.Is(err) || err.Error() != "audio lon.wav: larger than 1 MB (config ingest.max_file_mb)" {
		t.Fatalf("over the cap: %v", err)
	}
	if rows, events, files := f.counts(t); rows+events+files != 0 {
		t.Fatalf("left %d rows, %d events, %d files", rows, events, files)
	}
	if !queueHeard {
		t.Error("an upload without its own reporter did not use the queue's")
	}
	queueHeard = false
	up := file(writeWAV(t, filepath.Join(t.TempDir(), "a.wav"), 2, 22050, 1, 440))
	last := map[string][2]int64{}
	up.Progress = func(phase string, done, total int64) {
		if p := last[phase]; done < p[0] {
			t.Errorf("%s went back from %d to %d", phase, p[0], done)
		}
		last[phase] = [2]int64{done, total}
	}
	if _, _, err := f.q.Add(ctx, Fields{Title: ptr("Nhỏ"), Topic: ptr("ke-hoach"), Audio: up}, "op"); err != nil {
		t.Fatal(err)
	}
	for _, phase := range []string{"copy", "decode"} {
		if p := last[phase]; p[0] != up.Size || p[1] != up.Size {
			t.Errorf("%s ended at %d of %d, want %d of %d", phase, p[0], p[1], up.Size, up.Size)
		}
	}
	if queueHeard {
		t.Error("the queue's reporter heard a call that had its own")
	}
}

// TestConvertedAudio: what the analyzer cannot decode goes through the
// converter; the converted file is what is stored and approved, and the
// history keeps the original's name and hash. A failed conversion stores
// nothing, not even a temporary file.
func TestConvertedAudio(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	wav := writeWAV(t, filepath.Join(t.TempDir(), "converted.wav"), 2, 22050, 1, 440)
	var calls int
	f.q.convert = func(ctx context.Context, src, dst string, max time.Duration) error {
		calls++
		if b, _ := os.ReadFile(src); !bytes.HasPrefix(b[4:], []byte("ftyp")) {
			return errors.New("ffmpeg: Invalid data found when processing input")
		}
		if max != 11*time.Second {
			t.Errorf("converter limit %s, want scripts.max_length + 1 s", max)
		}
		b, _ := os.ReadFile(wav)
		return os.WriteFile(dst, b, 0o644)
	}
	orig := append([]byte("\x00\x00\x00\x20ftypM4A "), make([]byte, 300)...)
	up := &Upload{Name: `C:\fakepath\ghi âm xã.m4a`, R: bytes.NewReader(orig)}
	s, _, err := f.q.Add(ctx, Fields{Title: ptr("Ghi âm điện thoại"), Topic: ptr("ke-hoach"), Audio: up}, "op")
	if err != nil {
		t.Fatal(err)
	}
	want := file(wav)
	if s.AudioFormat != "wav" || s.Frames != 44100 || s.AudioSHA256 != sha256Hex(t, wav) {
		t.Fatalf("stored %s %d frames %s, want the converted file (%v)", s.AudioFormat, s.Frames, s.AudioSHA256, want.Name)
	}
	h, err := f.q.History(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(orig)
	if wantNote := "queued; audio ghi âm xã.m4a (sha256 " + hex.EncodeToString(sum[:]) + ", MP4/M4A) converted to FLAC"; h[0].Note != wantNote {
		t.Fatalf("history note %q, want %q", h[0].Note, wantNote)
	}
	if _, err := f.q.Approve(ctx, s.ID, "Chủ tịch", "", s.AudioSHA256[:12]); err != nil {
		t.Fatalf("approving the stored audio: %v", err)
	}
	rows0, events0, files0 := f.counts(t)
	_, _, err = f.q.Add(ctx, Fields{Title: ptr("Thư"), Topic: ptr("ke-hoach"), Audio: &Upload{Name: "thu.m4a", R: strings.NewReader("Kính gửi UBND xã")}}, "op")
	if !inputerr.Is(err) || err.Error() != "audio thu.m4a: not an audio file (ffmpeg: Invalid data found when processing input)" {
		t.Fatalf("not convertible: %v", err)
	}
	if rows, events, files := f.counts(t); rows != rows0 || events != events0 || files != files0 || calls != 2 {
		t.Fatalf("refused conversion left %d/%d rows, %d/%d events, %d/%d files; %d conversions", rows, rows0, events, events0, files, files0, calls)
	}
}

func sha256Hex(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestQuietButRealAudioIsAccepted: the silence checks refuse nothing
// that would air: a quiet recording (lifted by its gain on air) with long
// pauses, and one just above the near-silence line.
func TestQuietButRealAudioIsAccepted(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	for _, p := range []string{
		// A quiet phone recording (about −47 LUFS): 1 s of voice, 6 s of
		// its noise floor at −65 dBFS. As recorded, 86 % is below the −50
		// dBFS threshold; on air, lifted 20 dB, none of it is: the
		// renderer would not trim it either.
		writeSegments(t, filepath.Join(dir, "quiet.wav"), 16000, 1, segment{0.5, -42, 300}, segment{6, -65, 200}, segment{0.5, -42, 300}),
		writeSegments(t, filepath.Join(dir, "pauses.wav"), 8000, 1, segment{2, -10, 440}, segment{5, math.Inf(-1), 0}),
		writeSegments(t, filepath.Join(dir, "faint.wav"), 8000, 1, segment{3, -55, 1000}),
	} {
		if _, _, err := f.q.Add(context.Background(), Fields{Title: ptr("Nhỏ"), Topic: ptr("ke-hoach"), Audio: file(p)}, "op"); err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
		}
	}
}

func TestTextOnlyScriptNeedsAudio(t *testing.T) {
	f := newFixture(t)
	tp := filepath.Join(t.TempDir(), "bai.txt")
	os.WriteFile(tp, []byte("\uFEFFKính thưa bà con nhân dân"), 0o644)
	s, _, err := f.q.Add(context.Background(), Fields{Title: ptr("Chỉ có chữ"), Topic: ptr("ket-qua"), Text: file(tp)}, "op")
	if err != nil {
		t.Fatal(err)
	}
	if !s.NeedsAudio || s.Body != "Kính thưa bà con nhân dân" || s.TextSHA256 == "" {
		t.Fatalf("%+v", s)
	}
	// Nothing was heard: there is no hash to give, and none is accepted.
	for _, sum := range []string{"", s.TextSHA256[:12]} {
		if _, err := f.q.Approve(context.Background(), s.ID, "Chủ tịch", "", sum); !inputerr.Is(err) {
			t.Fatalf("approval of a script without audio (--sha256 %q): %v", sum, err)
		}
	}
	if got, _ := f.q.Get(context.Background(), s.ID); got.Status != Submitted {
		t.Fatalf("status %s", got.Status)
	}
	el, err := f.q.Eligible(context.Background(), f.now)
	if err != nil {
		t.Fatal(err)
	}
	if len(el) != 0 {
		t.Fatal("a script without audio must not be eligible")
	}
}

func TestApprovalBindsExactContent(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.add(t, "Dịch vụ công trực tuyến", "mot-cua-dvc", 2, 440)
	if _, err := f.q.Approve(ctx, s.ID, "", "", f.heard(t, s.ID)); !inputerr.Is(err) {
		t.Fatalf("approve without --by: %v", err)
	}
	a, err := f.q.Approve(ctx, s.ID, "Nguyễn Văn An", "đồng ý phát", f.heard(t, s.ID))
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != Approved || a.ApprovedBy != "Nguyễn Văn An" || a.ApprovedAt.IsZero() || !a.ApprovalHolds() {
		t.Fatalf("%+v", a)
	}
	if _, err := f.q.Approve(ctx, s.ID, "x", "", f.heard(t, s.ID)); !inputerr.Is(err) {
		t.Fatalf("second approval: %v", err)
	}
	// Metadata edits keep the approval.
	e, _, err := f.q.Edit(ctx, s.ID, Fields{Title: ptr("Dịch vụ công trực tuyến mức độ 4")}, "op")
	if err != nil || e.Status != Approved {
		t.Fatalf("title edit: %v %+v", err, e)
	}
	// New audio voids it.
	p := writeWAV(t, filepath.Join(t.TempDir(), "b.wav"), 2, 22050, 1, 660)
	e, _, err = f.q.Edit(ctx, s.ID, Fields{Audio: file(p)}, "op")
	if err != nil || e.Status != Submitted || e.ApprovedBy != "" {
		t.Fatalf("audio edit: %v %+v", err, e)
	}
	if _, err := f.q.VerifyAudio(ctx, a); err == nil {
		t.Fatal("old approval still verifies after audio change")
	}
	if _, err := f.q.Approve(ctx, s.ID, "Nguyễn Văn An", "", f.heard(t, s.ID)); err != nil {
		t.Fatal(err)
	}
	// New text voids it too.
	tp := filepath.Join(t.TempDir(), "t.txt")
	os.WriteFile(tp, []byte("Nội dung mới"), 0o644)
	if e, _, err = f.q.Edit(ctx, s.ID, Fields{Text: file(tp)}, "op"); err != nil || e.Status != Submitted {
		t.Fatalf("text edit: %v %+v", err, e)
	}
	// Reject, resubmit by editing content, retire.
	if _, err := f.q.Reject(ctx, s.ID, "Nguyễn Văn An", ""); !inputerr.Is(err) {
		t.Fatal("reject without reason accepted")
	}
	if _, err := f.q.Reject(ctx, s.ID, "Nguyễn Văn An", "sai số liệu"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.q.Retire(ctx, s.ID, "op", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.q.Edit(ctx, s.ID, Fields{Title: ptr("x")}, "op"); !inputerr.Is(err) {
		t.Fatal("retired script edited")
	}
	h, err := f.q.History(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, ev := range h {
		trail = append(trail, ev.From+">"+ev.To)
	}
	want := ">submitted submitted>approved approved>approved approved>submitted submitted>approved approved>submitted submitted>rejected rejected>retired"
	if h[2].Note != "edited: title: “Dịch vụ công trực tuyến” → “Dịch vụ công trực tuyến mức độ 4”" {
		t.Fatalf("title edit note %q", h[2].Note)
	}
	if got := strings.Join(trail, " "); got != want {
		t.Fatalf("history\n got %s\nwant %s", got, want)
	}
	if !strings.Contains(h[3].Note, "approval void") {
		t.Fatalf("note %q", h[3].Note)
	}
}

func TestEligibility(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	open := f.add(t, "Mở", "ke-hoach", 2, 300)
	windowed := f.add(t, "Có hạn", "ke-hoach", 2, 400)
	limited := f.add(t, "Giới hạn", "ke-hoach", 2, 500)
	f.add(t, "Chờ", "ke-hoach", 2, 600) // never approved
	if _, _, err := f.q.Edit(ctx, windowed.ID, Fields{From: ptr("2023-07-01"), Until: ptr("2023-07-31")}, "op"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.q.Edit(ctx, limited.ID, Fields{MaxPlays: ptr(1)}, "op"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []Script{open, windowed, limited} {
		if _, err := f.q.Approve(ctx, s.ID, "Chủ tịch", "", f.heard(t, s.ID)); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(at time.Time) string {
		el, err := f.q.Eligible(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range el {
			out = append(out, s.Title)
		}
		return strings.Join(out, ",")
	}
	// 30 June 17:30 UTC is 1 July 00:30 in Hanoi: inside the July window.
	if got := ids(time.Date(2023, 6, 30, 17, 30, 0, 0, time.UTC)); got != "Mở,Có hạn,Giới hạn" {
		t.Fatalf("1 July local: %s", got)
	}
	if got := ids(time.Date(2023, 6, 30, 16, 59, 59, 0, time.UTC)); got != "Mở,Giới hạn" {
		t.Fatalf("30 June local: %s", got)
	}
	// One real broadcast uses up the max plays; a simulated one does not count.
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := f.q.db.Exec(query, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO air_runs (programme, scheduled_at) VALUES ('p', '2023-03-01T10:00:00.000Z')`)
	exec(`INSERT INTO air_runs (programme, scheduled_at, simulated) VALUES ('p', '2023-03-01T10:00:00.000Z', 1)`)
	exec(`INSERT INTO air_items (run_id, position, kind, script_id, scheduled_at, started_at, status, seconds, simulated)
		VALUES (2, 0, 'script', ?, '2023-03-01T10:00:00.000Z', '2023-03-01T10:00:00.000Z', 'aired', 2, 1)`, limited.ID)
	if got := ids(f.now); got != "Mở,Giới hạn" {
		t.Fatalf("after simulated play: %s", got)
	}
	exec(`INSERT INTO air_items (run_id, position, kind, script_id, scheduled_at, started_at, status, seconds)
		VALUES (1, 0, 'script', ?, '2023-03-01T10:00:00.000Z', '2023-03-01T10:00:00.000Z', 'partial', 1.2)`, limited.ID)
	if got := ids(f.now); got != "Mở" {
		t.Fatalf("after real play: %s", got)
	}
	// The stored file is checked before air.
	path, err := f.q.VerifyAudio(ctx, open)
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	os.WriteFile(path, []byte("RIFF garbage"), 0o644)
	if _, err := f.q.VerifyAudio(ctx, open); !errors.Is(err, content.ErrAltered) {
		t.Fatalf("altered audio: %v", err)
	}
}

// TestEditDoesNotUndoAConcurrentContentChange: an edit of metadata must not
// write back the audio it read if, meanwhile, someone replaced the audio and
// the chairman approved the new one (a lost update that would leave an
// "approved" script whose audio is not what was approved).
func TestEditDoesNotUndoAConcurrentContentChange(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.add(t, "Bài gốc", "ke-hoach", 2, 440)
	if _, err := f.q.Approve(ctx, s.ID, "Chủ tịch", "", f.heard(t, s.ID)); err != nil {
		t.Fatal(err)
	}
	newAudio := writeWAV(t, filepath.Join(t.TempDir(), "moi.wav"), 2, 22050, 1, 880)
	armed := true
	// The slow editor's clock is read between its read of the script and its
	// write: the concurrent change happens exactly there.
	slow := New(f.q.db, f.store, f.q.cfg, analyze, WithClock(func() time.Time {
		if armed {
			armed = false
			if _, _, err := f.q.Edit(ctx, s.ID, Fields{Audio: file(newAudio)}, "op2"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.q.Approve(ctx, s.ID, "Chủ tịch", "bản mới", f.heard(t, s.ID)); err != nil {
				t.Fatal(err)
			}
		}
		return f.now
	}))
	_, _, err := slow.Edit(ctx, s.ID, Fields{Topic: ptr("ket-qua")}, "op1")
	if err == nil {
		t.Fatal("stale edit succeeded over a concurrent content change")
	}
	got, err := f.q.Get(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.AudioSHA256 == s.AudioSHA256 || !got.ApprovalHolds() {
		t.Fatalf("after concurrent edits: audio %s (old %s), status %s, approval holds %v",
			got.AudioSHA256[:8], s.AudioSHA256[:8], got.Status, got.ApprovalHolds())
	}
}

// TestAuditTrailIsAppendOnly: the database itself refuses to rewrite or
// delete a script's history, whoever opens it.
func TestAuditTrailIsAppendOnly(t *testing.T) {
	f := newFixture(t)
	s := f.add(t, "Bài", "ke-hoach", 2, 440)
	if _, err := f.q.Approve(context.Background(), s.ID, "Chủ tịch", "", f.heard(t, s.ID)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE script_events SET actor = 'ai đó' WHERE script_id = ?`,
		`DELETE FROM script_events WHERE script_id = ?`,
	} {
		if _, err := f.q.db.Exec(q, s.ID); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", q, err)
		}
	}
	if h, err := f.q.History(context.Background(), s.ID); err != nil || len(h) != 2 || h[1].Actor != "Chủ tịch" {
		t.Fatalf("history %+v, %v", h, err)
	}
}

// TestEditRejectsBadInputLeavingNothing: a refused edit changes neither the
// script (nor its approval) nor the store.
func TestEditRejectsBadInputLeavingNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.add(t, "Bài", "ke-hoach", 2, 440)
	if _, err := f.q.Approve(ctx, s.ID, "Chủ tịch", "", f.heard(t, s.ID)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	short := writeWAV(t, filepath.Join(dir, "short.wav"), 0.5, 22050, 1, 440)
	notAudio := filepath.Join(dir, "x.mp3")
	os.WriteFile(notAudio, []byte("không phải âm thanh"), 0o644)
	good := writeWAV(t, filepath.Join(dir, "good.wav"), 2, 22050, 1, 880)
	before, _ := f.q.Get(ctx, s.ID)
	rows0, events0, files0 := f.counts(t)
	for _, fl := range []Fields{
		{Audio: file(short)},
		{Audio: file(notAudio)},
		{Audio: file(good), Topic: ptr("khong-co")},
		{Audio: file(good), Until: ptr("2020-01-01"), From: ptr("2021-01-01")},
		{Title: ptr(" ")},
	} {
		if _, _, err := f.q.Edit(ctx, s.ID, fl, "op"); !inputerr.Is(err) {
			t.Fatalf("edit %+v: %v", fl, err)
		}
		after, _ := f.q.Get(ctx, s.ID)
		rows, events, files := f.counts(t)
		if after.AudioSHA256 != before.AudioSHA256 || after.Status != Approved || !after.ApprovalHolds() ||
			after.Topic != before.Topic || after.Title != before.Title || rows != rows0 || events != events0 || files != files0 {
			t.Fatalf("refused edit changed something: %+v (files %d→%d)", after, files0, files)
		}
	}
}

// TestEditOfTermsVoidsApproval: a change of what airs when and how often
// (priority, topic, window, play limit) sends an approved script back to
// the approver; a change of its description does not. Either way the
// history records old → new.
func TestEditOfTermsVoidsApproval(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		fields Fields
		voids  bool
		note   string
	}{
		{"priority", Fields{Priority: ptr("emergency")}, true, "edited: priority: normal → emergency; approval void (priority changed after approval): approve again"},
		{"topic", Fields{Topic: ptr("ket-qua")}, true, "edited: topic: ke-hoach → ket-qua; approval void (topic changed after approval): approve again"},
		{"window", Fields{From: ptr("2023-03-05"), Until: ptr("2023-04-30")}, true,
			"edited: from: — → 2023-03-05; until: — → 2023-04-30; approval void (from, until changed after approval): approve again"},
		{"max plays", Fields{MaxPlays: ptr(3)}, true, "edited: max_plays: — → 3; approval void (max_plays changed after approval): approve again"},
		{"area and audience", Fields{Area: ptr("thu-tuc"), Audience: ptr("lanh-dao")}, false, "edited: area: — → thu-tuc; audience: nguoi-dan → lanh-dao"},
		{"author", Fields{Author: ptr("Văn phòng – Thống kê")}, false, "edited: author: — → “Văn phòng – Thống kê”"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			s := f.add(t, "Bài", "ke-hoach", 2, 440)
			if _, err := f.q.Approve(ctx, s.ID, "Chủ tịch", "", s.AudioSHA256[:8]); err != nil {
				t.Fatal(err)
			}
			e, _, err := f.q.Edit(ctx, s.ID, tc.fields, "op")
			if err != nil {
				t.Fatal(err)
			}
			want := Approved
			if tc.voids {
				want = Submitted
			}
			if e.Status != want || e.ApprovalHolds() == tc.voids {
				t.Fatalf("status %s, approval holds %v; want %s", e.Status, e.ApprovalHolds(), want)
			}
			h, err := f.q.History(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			last := h[len(h)-1]
			if last.Note != tc.note || last.From != Approved || last.To != want || last.Actor != "op" {
				t.Fatalf("history %+v\nwant note %q", last, tc.note)
			}
			if tc.voids {
				el, err := f.q.Eligible(ctx, time.Date(2023, 3, 10, 2, 0, 0, 0, time.UTC))
				if err != nil || len(el) != 0 {
					t.Fatalf("eligible after a voided approval: %v %v", el, err)
				}
			}
		})
	}
}

func TestApproveChecksTheAudioTheApproverHeard(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.add(t, "Bài nghe thử", "ke-hoach", 2, 440)
	heard := s.AudioSHA256[:12]
	p := writeWAV(t, filepath.Join(t.TempDir(), "new.wav"), 2, 22050, 1, 880)
	if _, _, err := f.q.Edit(ctx, s.ID, Fields{Audio: file(p)}, "op"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.q.Approve(ctx, s.ID, "Chủ tịch", "", heard); !inputerr.Is(err) || !strings.Contains(err.Error(), "listen again") {
		t.Fatalf("approval of replaced audio: %v", err)
	}
	for _, sum := range []string{"", "abc", "1234567", "zzzzzzzzzz"} {
		if _, err := f.q.Approve(ctx, s.ID, "Chủ tịch", "", sum); !inputerr.Is(err) || !strings.Contains(err.Error(), "--sha256") {
			t.Fatalf("--sha256 %q: %v", sum, err)
		}
	}
	cur, _ := f.q.Get(ctx, s.ID)
	if cur.Status != Submitted {
		t.Fatalf("status %s after refused approvals", cur.Status)
	}
	if _, err := f.q.Approve(ctx, s.ID, "Chủ tịch", "", strings.ToUpper(cur.AudioSHA256[:10])); err != nil {
		t.Fatal(err)
	}
}

func TestJSONTime(t *testing.T) {
	hanoi := time.FixedZone("ICT", 7*3600)
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{time.Time{}, "null"},
		{time.Date(2023, 7, 1, 0, 30, 5, 123456789, hanoi), `"2023-07-01T00:30:05.123+07:00"`}, // the station's wall clock and offset
		{time.Date(2023, 6, 30, 17, 30, 5, 123456789, time.UTC), `"2023-06-30T17:30:05.123Z"`},
	} {
		b, err := JSONTime{Time: tc.in}.MarshalJSON()
		if err != nil || string(b) != tc.want {
			t.Errorf("MarshalJSON(%v) = %s, %v; want %s", tc.in, b, err, tc.want)
		}
	}
}

// TestEditMaxPlays: setting, repeating and clearing the limit; a repeat
// changes nothing and leaves no event.
func TestEditMaxPlays(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.add(t, "Bài", "ke-hoach", 2, 440)
	for _, tc := range []struct {
		n    int
		want *int
		note string
	}{
		{2, ptr(2), "edited: max_plays: — → 2"},
		{2, ptr(2), ""},
		{0, nil, "edited: max_plays: 2 → —"},
		{0, nil, ""},
	} {
		_, events0, _ := f.counts(t)
		e, _, err := f.q.Edit(ctx, s.ID, Fields{MaxPlays: ptr(tc.n)}, "op")
		if err != nil {
			t.Fatal(err)
		}
		if (e.MaxPlays == nil) != (tc.want == nil) || e.MaxPlays != nil && *e.MaxPlays != *tc.want {
			t.Fatalf("max plays %d: got %v", tc.n, e.MaxPlays)
		}
		h, err := f.q.History(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, events, _ := f.counts(t)
		switch {
		case tc.note == "" && events != events0:
			t.Fatalf("max plays %d again: %d events, want %d", tc.n, events, events0)
		case tc.note != "" && (events != events0+1 || h[len(h)-1].Note != tc.note):
			t.Fatalf("max plays %d: events %d→%d, last note %q", tc.n, events0, events, h[len(h)-1].Note)
		}
	}
}

// TestAirCheck: what is asked at the instant of air, for each way a script
// planned minutes ago can have stopped being airable since.
func TestAirCheck(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	approved := func(title string, freq float64, fields Fields) Script {
		s := f.add(t, title, "ke-hoach", 2, freq)
		if fields.Until != nil || fields.MaxPlays != nil {
			if _, _, err := f.q.Edit(ctx, s.ID, fields, "op"); err != nil {
				t.Fatal(err)
			}
		}
		s, err := f.q.Approve(ctx, s.ID, "Chủ tịch", "", s.AudioSHA256)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ok := approved("Vẫn duyệt", 300, Fields{})
	retired := approved("Rút", 400, Fields{})
	if _, err := f.q.Retire(ctx, retired.ID, "op", ""); err != nil {
		t.Fatal(err)
	}
	edited := approved("Sửa chữ", 500, Fields{})
	if _, _, err := f.q.Edit(ctx, edited.ID, Fields{Text: &Upload{Name: "t.txt", R: strings.NewReader("Bài mới")}}, "op"); err != nil {
		t.Fatal(err)
	}
	windowed := approved("Hết hạn", 600, Fields{Until: ptr("2023-02-28")})
	limited := approved("Đủ lượt", 700, Fields{MaxPlays: ptr(1)})
	if _, err := f.q.db.Exec(`INSERT INTO air_runs (programme, scheduled_at) VALUES ('p', '2023-03-01T10:00:00.000Z')`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.q.db.Exec(`INSERT INTO air_items (run_id, position, kind, script_id, scheduled_at, started_at, status, seconds)
		VALUES (1, 0, 'script', ?, '2023-03-01T10:00:00.000Z', '2023-03-01T10:00:00.000Z', 'aired', 2)`, limited.ID); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		s    Script
		sha  string
		want Verdict
	}{
		{"approved", ok, ok.AudioSHA256, Airable},
		{"other audio than planned", ok, strings.Repeat("0", 64), Revoked},
		{"retired", retired, retired.AudioSHA256, Withdrawn},
		{"text edited", edited, edited.AudioSHA256, Revoked},
		{"window passed", windowed, windowed.AudioSHA256, Expired},
		{"max plays reached", limited, limited.AudioSHA256, Expired},
		{"deleted", Script{ID: 999}, "", Withdrawn},
	} {
		got, err := f.q.AirCheck(ctx, c.s.ID, c.sha, f.now)
		if err != nil || got != c.want {
			t.Errorf("%s: %v, %v; want %v", c.name, got, err, c.want)
		}
	}
}

// TestConvertedTooLong: the conversion stops a little after
// scripts.max_length (an endless stream cannot fill the disk), so the
// length of what came out is not the recording's: the refusal must not
// state it as such (a 2-hour recording read "too long: 1801.0 s").
func TestConvertedTooLong(t *testing.T) {
	f := newFixture(t)
	long := writeWAV(t, filepath.Join(t.TempDir(), "cut.wav"), 11, 8000, 1, 440)
	f.q.convert = func(ctx context.Context, src, dst string, max time.Duration) error {
		b, _ := os.ReadFile(long) // what ffmpeg -t max writes of a longer file
		return os.WriteFile(dst, b, 0o644)
	}
	orig := append([]byte("\x00\x00\x00\x20ftypM4A "), make([]byte, 300)...)
	_, _, err := f.q.Add(context.Background(), Fields{Title: ptr("Hội nghị"), Topic: ptr("ke-hoach"), Audio: &Upload{Name: "hoi-nghi.m4a", R: bytes.NewReader(orig)}}, "op")
	if want := "audio hoi-nghi.m4a: too long: at least 11 s (maximum 10s, config scripts.max_length)"; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
}
