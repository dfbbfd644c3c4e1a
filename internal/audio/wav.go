package audio

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
)

// wavDecoder reads RIFF/WAVE: PCM 8 (unsigned), 16, 24, 32 bit, IEEE float
// 32 and 64 bit, G.711 A-law and µ-law (telephone recordings), plain or
// WAVE_FORMAT_EXTENSIBLE; 1 or 2 channels.
type wavDecoder struct {
	r        *bufio.Reader
	channels int
	rate     int
	bits     int
	float    bool
	law      uint16 // wavALaw or wavMuLaw for G.711, else 0
	frames   int64  // frames in the data chunk
	left     int64  // frames not yet read
	short    bool   // data chunk is cut short by the end of file
	buf      []byte
	err      error
}

func openWAV(r io.ReadSeeker, size int64) (*wavDecoder, error) {
	h, err := readWAVHeader(r, size)
	if err != nil {
		return nil, err
	}
	return &wavDecoder{r: bufio.NewReaderSize(r, 64<<10), channels: h.channels, rate: h.rate, bits: h.bits,
		float: h.float, law: h.law, frames: h.frames, left: h.frames, short: h.short}, nil
}

// WAVFormat is what a WAV file's header says about its samples.
type WAVFormat struct {
	SampleRate, Channels, Bits int
	Float                      bool
}

// WAVSamples reads a WAV held in memory (an engine's output through a pipe)
// and returns its format and its sample bytes, little-endian, whole frames
// only. The header is checked as Open checks it; a data chunk whose size was
// never patched (a writer that cannot seek) runs to the end.
func WAVSamples(b []byte) (WAVFormat, []byte, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return WAVFormat{}, nil, fmt.Errorf("%w: not a WAV file", ErrCorrupt)
	}
	h, err := readWAVHeader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return WAVFormat{}, nil, err
	}
	if h.law != 0 {
		return WAVFormat{}, nil, fmt.Errorf("%w: G.711 WAV from an engine", ErrUnsupported)
	}
	f := WAVFormat{SampleRate: h.rate, Channels: h.channels, Bits: h.bits, Float: h.float}
	return f, b[h.dataAt : h.dataAt+h.frames*int64(h.align)], nil
}

// wavHeader is a WAV file's format and where its samples are.
type wavHeader struct {
	channels, rate, bits, align int
	float                       bool
	law                         uint16 // wavALaw or wavMuLaw for G.711, else 0
	dataAt                      int64  // offset of the first sample
	frames                      int64  // frames in the data chunk
	short                       bool   // data chunk is cut short by the end of file
}

// readWAVHeader reads the chunks of a RIFF/WAVE file of size bytes up to
// the data chunk and leaves r at its first sample.
func readWAVHeader(r io.ReadSeeker, size int64) (wavHeader, error) {
	if _, err := r.Seek(12, io.SeekStart); err != nil {
		return wavHeader{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	pos := int64(12)
	var (
		hdr     [8]byte
		fmtSeen bool
		d       wavHeader
	)
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if !fmtSeen {
				return wavHeader{}, fmt.Errorf("%w: WAV without fmt chunk", ErrCorrupt)
			}
			return wavHeader{}, fmt.Errorf("%w: WAV without data chunk", ErrCorrupt)
		}
		id := string(hdr[:4])
		sz := int64(binary.LittleEndian.Uint32(hdr[4:]))
		pos += 8
		switch id {
		case "fmt ":
			if sz < 16 || sz > 1<<16 {
				return wavHeader{}, fmt.Errorf("%w: WAV fmt chunk size %d", ErrCorrupt, sz)
			}
			b := make([]byte, sz)
			if _, err := io.ReadFull(r, b); err != nil {
				return wavHeader{}, fmt.Errorf("%w: WAV fmt chunk: %v", ErrCorrupt, err)
			}
			tag := binary.LittleEndian.Uint16(b)
			d.channels = int(binary.LittleEndian.Uint16(b[2:]))
			d.rate = int(binary.LittleEndian.Uint32(b[4:]))
			d.align = int(binary.LittleEndian.Uint16(b[12:]))
			d.bits = int(binary.LittleEndian.Uint16(b[14:]))
			if tag == 0xFFFE && sz >= 40 {
				tag = binary.LittleEndian.Uint16(b[24:])
			}
			switch tag {
			case 1:
			case 3:
				d.float = true
			case wavALaw, wavMuLaw:
				d.law = tag
			default:
				return wavHeader{}, fmt.Errorf("%w: WAV codec 0x%04x (only PCM, float and G.711)", ErrUnsupported, tag)
			}
			if d.channels < 1 || d.channels > 2 {
				return wavHeader{}, fmt.Errorf("%w: WAV with %d channels (1 or 2 supported)", ErrUnsupported, d.channels)
			}
			if d.rate < 1000 || d.rate > 384000 {
				return wavHeader{}, fmt.Errorf("%w: WAV sample rate %d", ErrUnsupported, d.rate)
			}
			okBits := []int{8, 16, 24, 32}
			switch {
			case d.float:
				okBits = []int{32, 64}
			case d.law != 0:
				okBits = []int{8}
			}
			if !slices.Contains(okBits, d.bits) {
				return wavHeader{}, fmt.Errorf("%w: WAV %d-bit samples", ErrUnsupported, d.bits)
			}
			if d.align != d.channels*d.bits/8 {
				return wavHeader{}, fmt.Errorf("%w: WAV block align %d", ErrCorrupt, d.align)
			}
			fmtSeen = true
			pos += sz
		case "data":
			if !fmtSeen {
				return wavHeader{}, fmt.Errorf("%w: WAV data before fmt", ErrCorrupt)
			}
			avail := size - pos
			if sz == 0 || sz == 0xFFFFFFFF {
				// Streaming writers leave the size unset: read to the end.
				sz = avail
			} else if sz > avail {
				d.short = true
				sz = avail
			}
			d.dataAt = pos
			d.frames = sz / int64(d.align)
			return d, nil
		default:
			pos += sz
		}
		if sz%2 == 1 {
			pos++ // chunks are word aligned
		}
		if pos > size {
			return wavHeader{}, fmt.Errorf("%w: WAV chunk %q past end of file", ErrCorrupt, id)
		}
		if _, err := r.Seek(pos, io.SeekStart); err != nil {
			return wavHeader{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
	}
}

func (d *wavDecoder) Format() string  { return "wav" }
func (d *wavDecoder) SampleRate() int { return d.rate }
func (d *wavDecoder) Channels() int   { return d.channels }

func (d *wavDecoder) Read(dst []float32) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.left == 0 {
		d.err = io.EOF
		if d.short {
			d.err = fmt.Errorf("%w: WAV data chunk cut short", ErrCorrupt)
		}
		return 0, d.err
	}
	frames := int64(len(dst) / d.channels)
	frames = min(frames, d.left)
	bps := d.bits / 8
	n := int(frames) * d.channels * bps
	if cap(d.buf) < n {
		d.buf = make([]byte, n)
	}
	b := d.buf[:n]
	m, err := io.ReadFull(d.r, b)
	if err != nil {
		// Size was checked against the file; a short read is an I/O error
		// or a file that changed under us.
		d.err = fmt.Errorf("%w: WAV read: %v", ErrCorrupt, err)
		m -= m % (d.channels * bps)
		if m == 0 {
			return 0, d.err
		}
		b = b[:m]
	}
	ns := len(b) / bps
	switch {
	case d.float && d.bits == 32:
		for i := 0; i < ns; i++ {
			dst[i] = sane(math.Float32frombits(binary.LittleEndian.Uint32(b[i*4:])))
		}
	case d.float:
		for i := 0; i < ns; i++ {
			dst[i] = sane(float32(math.Float64frombits(binary.LittleEndian.Uint64(b[i*8:]))))
		}
	case d.law == wavALaw:
		for i := 0; i < ns; i++ {
			dst[i] = float32(alaw(b[i])) / 32768
		}
	case d.law == wavMuLaw:
		for i := 0; i < ns; i++ {
			dst[i] = float32(mulaw(b[i])) / 32768
		}
	case d.bits == 8:
		for i := 0; i < ns; i++ {
			dst[i] = (float32(b[i]) - 128) / 128
		}
	case d.bits == 16:
		for i := 0; i < ns; i++ {
			dst[i] = float32(int16(binary.LittleEndian.Uint16(b[i*2:]))) / 32768
		}
	case d.bits == 24:
		for i := 0; i < ns; i++ {
			v := int32(uint32(b[i*3])<<8|uint32(b[i*3+1])<<16|uint32(b[i*3+2])<<24) >> 8
			dst[i] = float32(v) / 8388608
		}
	case d.bits == 32:
		for i := 0; i < ns; i++ {
			dst[i] = float32(float64(int32(binary.LittleEndian.Uint32(b[i*4:]))) / 2147483648)
		}
	}
	d.left -= int64(ns / d.channels)
	return ns, nil
}

// sane replaces NaN and absurd float samples with silence so one bad
// sample cannot poison loudness or the limiter.
func sane(v float32) float32 {
	if v != v || v > 64 || v < -64 {
		return 0
	}
	return v
}

// G.711 format tags.
const (
	wavALaw  = 6
	wavMuLaw = 7
)

// alaw expands a G.711 A-law byte to 16-bit linear (ITU-T G.711).
func alaw(a byte) int {
	a ^= 0x55
	t := int(a&0x0f) << 4
	switch seg := (a & 0x70) >> 4; seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t = (t + 0x108) << (seg - 1)
	}
	if a&0x80 != 0 {
		return t
	}
	return -t
}

// mulaw expands a G.711 µ-law byte to 16-bit linear (ITU-T G.711).
func mulaw(u byte) int {
	u = ^u
	t := (int(u&0x0f)<<3 + 0x84) << ((u & 0x70) >> 4)
	if u&0x80 != 0 {
		return 0x84 - t
	}
	return t - 0x84
}
