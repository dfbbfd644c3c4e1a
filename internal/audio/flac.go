package audio

import (
	"errors"
	"fmt"
	"io"

	"github.com/mewkiz/flac"
)

// flacDecoder reads native FLAC (not FLAC in Ogg) through mewkiz/flac: any
// bit depth it decodes, 1 or 2 channels. Each frame carries a CRC, so damage
// is found where it is, not heard.
type flacDecoder struct {
	s        *flac.Stream
	rate     int
	channels int
	total    uint64 // frames the header promises; 0 if it does not say
	done     uint64 // frames decoded
	pending  []float32
	err      error
}

func openFLAC(r io.ReadSeeker) (*flacDecoder, error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	s, err := flac.New(r)
	if err != nil {
		return nil, fmt.Errorf("%w: FLAC header: %v", ErrCorrupt, err)
	}
	in := s.Info
	switch {
	case in.NChannels < 1 || in.NChannels > 2:
		return nil, fmt.Errorf("%w: FLAC with %d channels (1 or 2 supported)", ErrUnsupported, in.NChannels)
	case in.SampleRate < 1000 || in.SampleRate > 384000:
		return nil, fmt.Errorf("%w: FLAC sample rate %d", ErrUnsupported, in.SampleRate)
	}
	return &flacDecoder{s: s, rate: int(in.SampleRate), channels: int(in.NChannels), total: in.NSamples}, nil
}

func (d *flacDecoder) Format() string  { return "flac" }
func (d *flacDecoder) SampleRate() int { return d.rate }
func (d *flacDecoder) Channels() int   { return d.channels }

func (d *flacDecoder) Read(dst []float32) (int, error) {
	dst = dst[:len(dst)/d.channels*d.channels]
	n := 0
	for n < len(dst) {
		if len(d.pending) == 0 {
			if d.err != nil {
				break
			}
			d.err = d.next()
			continue
		}
		c := copy(dst[n:], d.pending)
		d.pending = d.pending[c:]
		n += c
	}
	if n > 0 {
		return n, nil
	}
	return 0, d.err
}

// next decodes one frame into pending, or returns why there is none.
func (d *flacDecoder) next() error {
	f, err := d.s.ParseNext()
	if errors.Is(err, io.EOF) {
		if d.total != 0 && d.done < d.total {
			return fmt.Errorf("%w: FLAC ends after %d of %d samples", ErrCorrupt, d.done, d.total)
		}
		return io.EOF
	}
	if err != nil {
		return fmt.Errorf("%w: FLAC frame at sample %d: %v", ErrCorrupt, d.done, err)
	}
	if len(f.Subframes) != d.channels {
		return fmt.Errorf("%w: FLAC frame with %d channels in a %d-channel stream", ErrCorrupt, len(f.Subframes), d.channels)
	}
	frames := int(f.BlockSize)
	if d.total != 0 && d.done+uint64(frames) > d.total {
		frames = int(d.total - d.done) // never more than the header says
	}
	scale := 1 / float32(int64(1)<<(f.BitsPerSample-1))
	if cap(d.pending) < frames*d.channels {
		d.pending = make([]float32, frames*d.channels)
	}
	p := d.pending[:frames*d.channels]
	for c, sf := range f.Subframes {
		if len(sf.Samples) < frames {
			return fmt.Errorf("%w: FLAC subframe short", ErrCorrupt)
		}
		for i, v := range sf.Samples[:frames] {
			p[i*d.channels+c] = float32(v) * scale
		}
	}
	d.pending = p
	d.done += uint64(frames)
	return nil
}
