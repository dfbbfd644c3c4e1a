package audio

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
)

// wavDecoder reads RIFF/WAVE: PCM 8 (unsigned), 16, 24, 32 bit, IEEE float
// 32 and 64 bit, plain or WAVE_FORMAT_EXTENSIBLE; 1 or 2 channels.
type wavDecoder struct {
	r        *bufio.Reader
	channels int
	rate     int
	bits     int
	float    bool
	frames   int64 // frames in the data chunk
	left     int64 // frames not yet read
	short    bool  // data chunk is cut short by the end of file
	buf      []byte
	err      error
}

func openWAV(r io.ReadSeeker, size int64) (*wavDecoder, error) {
	if _, err := r.Seek(12, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	pos := int64(12)
	var (
		hdr     [8]byte
		fmtSeen bool
		d       = &wavDecoder{}
		align   int
	)
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if !fmtSeen {
				return nil, fmt.Errorf("%w: WAV without fmt chunk", ErrCorrupt)
			}
			return nil, fmt.Errorf("%w: WAV without data chunk", ErrCorrupt)
		}
		id := string(hdr[:4])
		sz := int64(binary.LittleEndian.Uint32(hdr[4:]))
		pos += 8
		switch id {
		case "fmt ":
			if sz < 16 || sz > 1<<16 {
				return nil, fmt.Errorf("%w: WAV fmt chunk size %d", ErrCorrupt, sz)
			}
			b := make([]byte, sz)
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, fmt.Errorf("%w: WAV fmt chunk: %v", ErrCorrupt, err)
			}
			tag := binary.LittleEndian.Uint16(b)
			d.channels = int(binary.LittleEndian.Uint16(b[2:]))
			d.rate = int(binary.LittleEndian.Uint32(b[4:]))
			align = int(binary.LittleEndian.Uint16(b[12:]))
			d.bits = int(binary.LittleEndian.Uint16(b[14:]))
			if tag == 0xFFFE && sz >= 40 {
				tag = binary.LittleEndian.Uint16(b[24:])
			}
			switch tag {
			case 1:
			case 3:
				d.float = true
			default:
				return nil, fmt.Errorf("%w: WAV codec 0x%04x (only PCM and float)", ErrUnsupported, tag)
			}
			if d.channels < 1 || d.channels > 2 {
				return nil, fmt.Errorf("%w: WAV with %d channels (1 or 2 supported)", ErrUnsupported, d.channels)
			}
			if d.rate < 1000 || d.rate > 384000 {
				return nil, fmt.Errorf("%w: WAV sample rate %d", ErrUnsupported, d.rate)
			}
			okBits := []int{8, 16, 24, 32}
			if d.float {
				okBits = []int{32, 64}
			}
			if !slices.Contains(okBits, d.bits) {
				return nil, fmt.Errorf("%w: WAV %d-bit samples", ErrUnsupported, d.bits)
			}
			if align != d.channels*d.bits/8 {
				return nil, fmt.Errorf("%w: WAV block align %d", ErrCorrupt, align)
			}
			fmtSeen = true
			pos += sz
		case "data":
			if !fmtSeen {
				return nil, fmt.Errorf("%w: WAV data before fmt", ErrCorrupt)
			}
			avail := size - pos
			if sz == 0 || sz == 0xFFFFFFFF {
				// Streaming writers leave the size unset: read to the end.
				sz = avail
			} else if sz > avail {
				d.short = true
				sz = avail
			}
			d.frames = sz / int64(align)
			d.left = d.frames
			d.r = bufio.NewReaderSize(r, 64<<10)
			return d, nil
		default:
			pos += sz
		}
		if sz%2 == 1 {
			pos++ // chunks are word aligned
		}
		if pos > size {
			return nil, fmt.Errorf("%w: WAV chunk %q past end of file", ErrCorrupt, id)
		}
		if _, err := r.Seek(pos, io.SeekStart); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
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
