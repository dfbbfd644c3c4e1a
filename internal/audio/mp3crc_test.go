package audio

import (
	"fmt"
	"path/filepath"
	"testing"
)

// TestMP3ErrorProtectedGapless: with CRC protection (lame -p, and
// recorders that set it) the encoder still writes its Xing/Info frame at
// 4 + side information bytes, not after the CRC: LAME's writer and reader
// and ffmpeg all place it there. Missed, the Info frame aired as a frame
// and the encoder delay and padding were never trimmed (+1935 samples at
// 22.05 kHz).
func TestMP3ErrorProtectedGapless(t *testing.T) {
	needTools(t, "ffmpeg", "lame")
	dir := t.TempDir()
	for _, c := range []struct {
		rate, ch int
		args     []string
	}{
		{22050, 1, []string{"-b", "64", "-m", "m"}},
		{44100, 2, []string{"-b", "128", "-m", "j"}},
		{44100, 2, []string{"-V", "4"}},
		{8000, 1, []string{"-b", "16", "-m", "m"}},
	} {
		t.Run(fmt.Sprintf("%d-%dch-%v", c.rate, c.ch, c.args), func(t *testing.T) {
			src := matrixSource(t, dir, c.rate, c.ch)
			mp3 := filepath.Join(dir, fmt.Sprintf("crc-%d-%d-%s.mp3", c.rate, c.ch, c.args[1]))
			run(t, "lame", append(append([]string{"--quiet", "-p"}, c.args...), src, mp3)...)
			ref, _ := ffmpegDecode(t, mp3)
			got, _, _, _ := loaDecode(t, mp3)
			if len(got) != len(ref) {
				t.Fatalf("%d samples, ffmpeg %d", len(got), len(ref))
			}
			if snr := snrDB(ref, got, 0); snr < 60 {
				t.Fatalf("SNR %.1f dB against ffmpeg", snr)
			}
		})
	}
}
