package audio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	mp3 "loa/internal/audio/internal/mp3dec"
)

// mpegHeader is a parsed MPEG audio frame header.
type mpegHeader struct {
	version    int // 1, 2, or 25 (MPEG 2.5)
	layer      int // 1, 2, 3
	bitrate    int // bit/s, 0 = free format
	sampleRate int
	padding    int
	channels   int
	frameSize  int // bytes, 0 for free format
	spf        int // samples per frame
}

var mpegBitrates = [5][16]int{
	{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448}, // v1 L1
	{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},    // v1 L2
	{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},     // v1 L3
	{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},    // v2 L1
	{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},         // v2 L2, L3
}

var mpegRates = [3]int{44100, 48000, 32000}

func parseMPEGHeader(b []byte) (mpegHeader, bool) {
	var h mpegHeader
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return h, false
	}
	switch (b[1] >> 3) & 3 {
	case 0:
		h.version = 25
	case 2:
		h.version = 2
	case 3:
		h.version = 1
	default:
		return h, false
	}
	switch (b[1] >> 1) & 3 {
	case 1:
		h.layer = 3
	case 2:
		h.layer = 2
	case 3:
		h.layer = 1
	default:
		return h, false
	}
	bi := int(b[2] >> 4)
	si := int(b[2]>>2) & 3
	if bi == 15 || si == 3 {
		return h, false
	}
	if b[3]&3 == 2 { // reserved emphasis
		return h, false
	}
	h.padding = int(b[2]>>1) & 1
	h.sampleRate = mpegRates[si]
	switch h.version {
	case 2:
		h.sampleRate /= 2
	case 25:
		h.sampleRate /= 4
	}
	h.channels = 2
	if b[3]>>6 == 3 {
		h.channels = 1
	}
	var tbl int
	if h.version == 1 {
		tbl = h.layer - 1
	} else if h.layer == 1 {
		tbl = 3
	} else {
		tbl = 4
	}
	h.bitrate = mpegBitrates[tbl][bi] * 1000
	switch {
	case h.layer == 1:
		h.spf = 384
		if h.bitrate > 0 {
			h.frameSize = (12*h.bitrate/h.sampleRate + h.padding) * 4
		}
	case h.layer == 2 || h.version == 1:
		h.spf = 1152
		if h.bitrate > 0 {
			h.frameSize = 144*h.bitrate/h.sampleRate + h.padding
		}
	default:
		h.spf = 576
		if h.bitrate > 0 {
			h.frameSize = 72*h.bitrate/h.sampleRate + h.padding
		}
	}
	return h, true
}

func (h mpegHeader) sideInfoSize() int {
	if h.version == 1 {
		if h.channels == 1 {
			return 17
		}
		return 32
	}
	if h.channels == 1 {
		return 9
	}
	return 17
}

// mp3Decoder wraps go-mp3 and makes its output gapless and equal in length
// to ffmpeg's:
//   - the Xing/Info (or VBRI) frame is not decoded (go-mp3 would emit it
//     as a frame of silence);
//   - with a LAME (or Lavf/Lavc) tag, encoder delay + 529 samples of decoder
//     delay are dropped at the start and the stream is cut at
//     frames*spf - delay - padding, exactly as ffmpeg's mp3 demuxer does;
//   - without such a tag nothing can be known about delay and padding, so
//     (like ffmpeg) every decoded sample is kept: the file is about 50-80 ms
//     longer than the audio the encoder was given.
//
// The decoder (internal/mp3dec) always produces float32 stereo; for a mono
// source only the left channel is used, so levels are unchanged.
type mp3Decoder struct {
	dec       *mp3.Decoder
	channels  int
	rate      int
	skip      int64 // frames still to drop at the start
	remain    int64 // frames still allowed out, -1 = unlimited
	tagFrames int64 // MPEG frames announced by the Xing/VBRI header, 0 if unknown
	spf       int
	raw       int64 // frames produced by go-mp3 so far
	buf       []float32
	err       error
}

const maxProbe = 1 << 16

func openMP3(r io.ReadSeeker, size int64, head []byte) (*mp3Decoder, error) {
	// Skip ID3v2 tags (there may be several).
	var pos int64
	hadID3 := false
	for {
		if _, err := r.Seek(pos, io.SeekStart); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		var id [10]byte
		n, _ := io.ReadFull(r, id[:])
		if n < 10 || string(id[:3]) != "ID3" {
			break
		}
		hadID3 = true
		sz := int64(id[6]&0x7f)<<21 | int64(id[7]&0x7f)<<14 | int64(id[8]&0x7f)<<7 | int64(id[9]&0x7f)
		pos += 10 + sz
		if id[5]&0x10 != 0 {
			pos += 10 // footer
		}
	}
	if pos >= size {
		return nil, fmt.Errorf("%w: ID3 tag but no audio", ErrCorrupt)
	}
	if _, err := r.Seek(pos, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	probe := make([]byte, maxProbe)
	n, _ := io.ReadFull(r, probe)
	probe = probe[:n]

	// Find the first frame header confirmed by a second one right after it
	// (or by the end of the file).
	var h mpegHeader
	off := -1
	for i := 0; i+4 <= len(probe); i++ {
		if probe[i] != 0xFF {
			continue
		}
		hh, ok := parseMPEGHeader(probe[i:])
		if !ok {
			continue
		}
		if hh.frameSize == 0 {
			if i == 0 || hadID3 {
				return nil, fmt.Errorf("%w: free-format MPEG audio", ErrUnsupported)
			}
			continue
		}
		next := i + hh.frameSize
		if pos+int64(next) == size || (next+4 <= len(probe) && func() bool {
			h2, ok := parseMPEGHeader(probe[next:])
			return ok && h2.layer == hh.layer && h2.version == hh.version && h2.sampleRate == hh.sampleRate
		}()) || (next+4 > len(probe) && len(probe) == maxProbe) {
			h, off = hh, i
			break
		}
	}
	if off < 0 {
		if hadID3 {
			return nil, fmt.Errorf("%w: ID3 tag but no MPEG audio frames", ErrCorrupt)
		}
		return nil, ErrNotAudio
	}
	if !hadID3 && off > 0 && off >= 4096 {
		// Too much junk before the first frame for a real MP3 file.
		return nil, ErrNotAudio
	}
	if h.layer != 3 {
		return nil, fmt.Errorf("%w: MPEG layer %d (only layer III/MP3 is decoded)", ErrUnsupported, h.layer)
	}

	d := &mp3Decoder{channels: h.channels, rate: h.sampleRate, spf: h.spf, remain: -1}
	start := pos + int64(off)
	frame := probe[off:]
	if len(frame) > h.frameSize {
		frame = frame[:h.frameSize]
	}
	// The tag sits after the side information as if there were no CRC:
	// LAME writes it there even with -p, and LAME's reader and ffmpeg
	// look for it there.
	x := 4 + h.sideInfoSize()
	switch {
	case len(frame) >= x+8 && (string(frame[x:x+4]) == "Xing" || string(frame[x:x+4]) == "Info"):
		flags := binary.BigEndian.Uint32(frame[x+4:])
		p := x + 8
		var frames int64
		if flags&1 != 0 && len(frame) >= p+4 {
			frames = int64(binary.BigEndian.Uint32(frame[p:]))
			p += 4
		}
		if flags&2 != 0 {
			p += 4
		}
		if flags&4 != 0 {
			p += 100
		}
		if flags&8 != 0 {
			p += 4
		}
		d.tagFrames = frames
		if len(frame) >= p+24 {
			v := string(frame[p : p+4])
			if v == "LAME" || v == "Lavf" || v == "Lavc" {
				dp := frame[p+21:]
				delay := int64(dp[0])<<4 | int64(dp[1])>>4
				pad := int64(dp[1]&0x0f)<<8 | int64(dp[2])
				d.skip = delay + 529
				if frames > 0 {
					d.remain = frames*int64(h.spf) - delay - pad
					if d.remain < 0 {
						d.remain = 0
					}
				}
			}
		}
		start += int64(h.frameSize)
	case len(frame) >= 36+18 && string(frame[36:40]) == "VBRI":
		d.tagFrames = int64(binary.BigEndian.Uint32(frame[36+14:]))
		start += int64(h.frameSize)
	}

	// Drop trailing tags so go-mp3 never mistakes tag bytes for frames.
	end := size
	var tail [32]byte
	if end-128 >= start {
		if _, err := r.Seek(end-128, io.SeekStart); err == nil {
			if _, err := io.ReadFull(r, tail[:3]); err == nil && string(tail[:3]) == "TAG" {
				end -= 128
			}
		}
	}
	if end-32 >= start {
		if _, err := r.Seek(end-32, io.SeekStart); err == nil {
			if _, err := io.ReadFull(r, tail[:]); err == nil && string(tail[:8]) == "APETAGEX" {
				sz := int64(binary.LittleEndian.Uint32(tail[12:]))
				if binary.LittleEndian.Uint32(tail[20:])&(1<<31) != 0 {
					sz += 32
				}
				if end-sz >= start {
					end -= sz
				}
			}
		}
	}
	if end <= start {
		// Only a tag frame: a valid, empty stream.
		d.remain = 0
		return d, nil
	}
	if _, err := r.Seek(start, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	// bufio.Reader is not an io.Seeker, so go-mp3 does not pre-scan the file.
	src := bufio.NewReaderSize(io.LimitReader(r, end-start), 32<<10)
	dec, err := newGoMP3(src)
	if err != nil {
		if errors.Is(err, io.EOF) {
			d.remain = 0
			return d, nil
		}
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	d.dec = dec
	return d, nil
}

func newGoMP3(r io.Reader) (dec *mp3.Decoder, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("mp3 decoder panic: %v", p)
		}
	}()
	return mp3.NewDecoder(r)
}

func (d *mp3Decoder) Format() string  { return "mp3" }
func (d *mp3Decoder) SampleRate() int { return d.rate }
func (d *mp3Decoder) Channels() int   { return d.channels }

// readRaw fills p with stereo float32 samples from the decoder.
func (d *mp3Decoder) readRaw(p []float32) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: mp3 decoder panic: %v", ErrCorrupt, r)
		}
	}()
	for n < len(p) {
		m, err := d.dec.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (d *mp3Decoder) Read(dst []float32) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.dec == nil || d.remain == 0 {
		d.err = io.EOF
		return 0, io.EOF
	}
	frames := len(dst) / d.channels
	if d.remain >= 0 && int64(frames) > d.remain {
		frames = int(d.remain)
	}
	if frames == 0 {
		return 0, nil
	}
	for {
		want := frames
		if d.skip > 0 && int64(want) < d.skip {
			want = int(min(d.skip, 8192))
		}
		if cap(d.buf) < want*2 {
			d.buf = make([]float32, want*2)
		}
		buf := d.buf[:want*2]
		n, err := d.readRaw(buf)
		got := n / 2
		d.raw += int64(got)
		buf = buf[:got*2]
		if d.skip > 0 {
			s := int(min(d.skip, int64(got)))
			d.skip -= int64(s)
			buf = buf[s*2:]
			got -= s
		}
		if got > frames {
			got = frames
		}
		if d.channels == 1 {
			for i := 0; i < got; i++ {
				dst[i] = buf[2*i]
			}
		} else {
			copy(dst, buf[:got*2])
		}
		if d.remain > 0 {
			d.remain -= int64(got)
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.EOF
				if d.tagFrames > 0 && d.raw < d.tagFrames*int64(d.spf)-int64(d.spf) {
					err = fmt.Errorf("%w: %d of %d MPEG frames", ErrCorrupt, d.raw/int64(d.spf), d.tagFrames)
				}
			} else if !errors.Is(err, ErrCorrupt) {
				err = fmt.Errorf("%w: %v", ErrCorrupt, err)
			}
			d.err = err
			if got > 0 {
				return got * d.channels, nil
			}
			return 0, err
		}
		if got > 0 || d.remain == 0 {
			return got * d.channels, nil
		}
	}
}
