package audio

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestFFmpegToFLAC: the conversion reads the file it is given and no
// other. A relative data directory whose name has a colon ("loa:2026")
// is still a file, not a protocol ffmpeg refuses; an uploaded playlist
// (HLS here, which plain ffmpeg follows) cannot make ffmpeg read another
// file of the server, such as another script's audio, into the store.
func TestFFmpegToFLAC(t *testing.T) {
	needTools(t, "ffmpeg")
	ff, err := FindFFmpeg("")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	dir := "loa:2026"
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var m memFile
	w, _ := NewWAVWriter(&m, 8000, 1)
	tone := make([]float32, 8000)
	for i := range tone {
		tone[i] = float32(i%40-20) / 40
	}
	w.Write(tone)
	w.Flush()
	wav := filepath.Join(dir, "other.wav")
	if err := os.WriteFile(wav, m.b, 0o644); err != nil {
		t.Fatal(err)
	}

	flac := filepath.Join(dir, "out.flac")
	if err := ff.ToFLAC(t.Context(), wav, flac, time.Minute); err != nil {
		t.Fatalf("ToFLAC in %s: %v", dir, err)
	}
	b, _ := os.ReadFile(flac)
	info, err := Analyze(t.Context(), bytes.NewReader(b))
	if err != nil || info.Frames != int64(len(tone)) {
		t.Fatalf("converted: %+v, %v; want %d frames", info, err, len(tone))
	}

	// Another script's audio, in a format HLS takes as a segment.
	mp3 := filepath.Join(dir, "other.mp3")
	run(t, "ffmpeg", "-v", "error", "-i", "file:"+wav, "file:"+mp3)
	abs, _ := filepath.Abs(mp3)
	playlist := filepath.Join(dir, "upload")
	hls := fmt.Sprintf("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.0,\n%s\n#EXT-X-ENDLIST\n", abs)
	if err := os.WriteFile(playlist, []byte(hls), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "stolen.flac")
	if err := ff.ToFLAC(t.Context(), playlist, out, time.Minute); err == nil {
		b, _ := os.ReadFile(out)
		t.Fatalf("a playlist was converted (%d bytes): ffmpeg read %s", len(b), abs)
	}
}

// TestFFmpegNoAudioStream: a video without sound (a phone clip sent by
// mistake) is refused for what it is, not with ffmpeg's last hint line
// ("To ignore this, add a trailing '?' to the map.").
func TestFFmpegNoAudioStream(t *testing.T) {
	needTools(t, "ffmpeg")
	ff, err := FindFFmpeg("")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	video := filepath.Join(dir, "clip.mp4")
	run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=d=1:s=64x64", "-c:v", "mpeg4", video)
	err = ff.ToFLAC(t.Context(), video, filepath.Join(dir, "out.flac"), time.Minute)
	if err == nil || err.Error() != "ffmpeg: no audio stream in the file" {
		t.Fatalf("got %v", err)
	}
}
