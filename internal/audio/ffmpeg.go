package audio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// ErrNoFFmpeg: ffmpeg is not installed (or not where the configuration says).
var ErrNoFFmpeg = errors.New("ffmpeg not found")

// FFmpeg converts the formats loa does not decode itself (M4A/AAC, AMR,
// Opus, 3GP, WMA, …) at ingest. It is an optional runtime dependency: the
// Debian package ffmpeg.
type FFmpeg struct{ Path string }

// FindFFmpeg finds ffmpeg: name is a path or a command looked up on PATH;
// "" means "ffmpeg" on PATH.
func FindFFmpeg(name string) (*FFmpeg, error) {
	if name == "" {
		name = "ffmpeg"
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrNoFFmpeg, name)
	}
	return &FFmpeg{Path: p}, nil
}

// ffmpegDemuxers are the containers ffmpeg may open at ingest. Uploaded
// files are untrusted: without a list, a playlist (HLS, concat, …) could
// make ffmpeg read other files on the server into the store.
const ffmpegDemuxers = "mov,mp4,m4a,3gp,aac,loas,amr,amrnb,amrwb,ogg,asf,xwma,matroska,webm,flac,mp3,wav,w64," +
	"aiff,caf,wv,ape,au,ac3,eac3,dts,mpc,mpc8,tta,voc,rm,gsm,avi,mpeg"

// ToFLAC decodes the first audio stream of src and writes it to dst as
// 16-bit FLAC, mono or stereo, at the source's sample rate, stopping after
// max (0: no limit) so an endless file cannot fill the disk. The output is
// bit-exact: the same input always gives the same bytes, so the same
// recording sent twice is recognised by its hash.
func (f *FFmpeg) ToFLAC(ctx context.Context, src, dst string, max time.Duration) error {
	args := []string{"-nostdin", "-hide_banner", "-v", "error", "-y",
		"-protocol_whitelist", "file", "-format_whitelist", ffmpegDemuxers,
		"-i", "file:" + src, "-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1",
		"-fflags", "+bitexact", "-flags:a", "+bitexact",
		"-af", "aformat=channel_layouts=mono|stereo", "-sample_fmt", "s16", "-c:a", "flac"}
	if max > 0 {
		args = append(args, "-t", strconv.FormatFloat(max.Seconds(), 'f', 3, 64))
	}
	// Paths as file: URLs: a relative path such as "loa:2026/…" is not
	// taken for a protocol, nor one starting with "-" for an option.
	cmd := exec.CommandContext(ctx, f.Path, append(args, "-f", "flac", "file:"+dst)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if strings.Contains(stderr.String(), "matches no streams") {
			// -map 0:a:0 found nothing; ffmpeg's last line is only a hint.
			return errors.New("ffmpeg: no audio stream in the file")
		}
		return fmt.Errorf("ffmpeg: %s", lastLine(stderr.String(), err))
	}
	return nil
}

// lastLine is ffmpeg's last message, on one line, without the input's path
// (the caller names the file the officer knows).
func lastLine(s string, err error) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	l := strings.TrimSpace(lines[len(lines)-1])
	if l == "" {
		return err.Error()
	}
	if i := strings.LastIndex(l, ": "); i >= 0 && i+2 < len(l) {
		l = l[i+2:]
	}
	return l
}
