package audio

import (
	"math"
	"path/filepath"
	"testing"
)

// TestRenderFLACAsItsWAV: the renderer (and so playout) takes FLAC through
// the same decoder selection as Analyze: a FLAC made from a 16-bit WAV
// renders to exactly the samples the WAV renders to, and an Ogg Vorbis of
// it to the same length and loudness within 0.2 LU.
func TestRenderFLACAsItsWAV(t *testing.T) {
	needTools(t, "ffmpeg")
	dir := t.TempDir()
	wav := fixture{material: "music", rate: 22050, ch: 2, lufs: -24, codec: "wav16", seconds: 4}.make(t, dir)
	flac := filepath.Join(dir, "same.flac")
	ogg := filepath.Join(dir, "same.ogg")
	run(t, "ffmpeg", "-v", "error", "-y", "-i", wav, "-c:a", "flac", flac)
	run(t, "ffmpeg", "-v", "error", "-y", "-i", wav, "-c:a", "libvorbis", "-q:a", "6", ogg)
	o := DefaultOptions()
	o.TrimSilence = false // lossy coding moves the last sample over the threshold
	render := func(p string) ([]float32, float64) {
		out, res := renderAll(t, []Item{{Path: p}}, o)
		if len(res) != 1 || res[0].Err != nil {
			t.Fatalf("%s: results %+v", p, res)
		}
		lufs, _ := measure(out, o.SampleRate, o.Channels)
		return out, lufs
	}
	want, wantLUFS := render(wav)
	got, _ := render(flac)
	if len(got) != len(want) {
		t.Fatalf("FLAC renders %d samples, its WAV %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("FLAC sample %d is %g, its WAV's %g", i, got[i], want[i])
		}
	}
	vorbis, lufs := render(ogg)
	if len(vorbis) != len(want) || math.Abs(lufs-wantLUFS) > 0.2 {
		t.Fatalf("Ogg renders %d samples at %.2f LUFS; its WAV %d at %.2f", len(vorbis), lufs, len(want), wantLUFS)
	}
}

// TestWAVG711MatchesFFmpeg: telephone recordings (hotlines, call
// recorders, PBX voicemail) are WAV in G.711 A-law or µ-law at 8 kHz.
// They decode natively, so a station without ffmpeg takes them too, to
// exactly the 16-bit values ffmpeg decodes them to.
func TestWAVG711MatchesFFmpeg(t *testing.T) {
	needTools(t, "ffmpeg")
	dir := t.TempDir()
	src := filepath.Join(dir, "src.wav")
	run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=1,volume=0.7", "-f", "lavfi", "-i", "anoisesrc=d=1:a=0.05",
		"-filter_complex", "[0][1]amix=inputs=2:normalize=0", "-ar", "8000", src)
	for _, c := range []struct{ codec, ch string }{{"pcm_alaw", "1"}, {"pcm_mulaw", "1"}, {"pcm_alaw", "2"}, {"pcm_mulaw", "2"}} {
		t.Run(c.codec+"-"+c.ch, func(t *testing.T) {
			path := filepath.Join(dir, c.codec+c.ch+".wav")
			run(t, "ffmpeg", "-v", "error", "-i", src, "-ac", c.ch, "-c:a", c.codec, path)
			ref, refLUFS := ffmpegDecode(t, path)
			got, rate, _, lufs := loaDecode(t, path)
			if rate != 8000 || len(got) != len(ref) {
				t.Fatalf("%d Hz, %d samples; ffmpeg 8000 Hz, %d", rate, len(got), len(ref))
			}
			for i := range ref {
				if got[i] != ref[i] {
					t.Fatalf("sample %d: %v, ffmpeg %v", i, got[i], ref[i])
				}
			}
			if math.Abs(lufs-refLUFS) > 0.2 {
				t.Fatalf("%.2f LUFS, ffmpeg %.2f", lufs, refLUFS)
			}
		})
	}
}
