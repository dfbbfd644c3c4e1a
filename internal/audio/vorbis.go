package audio

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/jfreymuth/oggvorbis"
)

// vorbisDecoder reads Ogg Vorbis through jfreymuth/oggvorbis, which trims
// the first and last packets by their granule positions, so the length is
// the encoded one, as ffmpeg decodes it.
type vorbisDecoder struct {
	r   *oggvorbis.Reader
	err error
}

func openVorbis(r io.ReadSeeker) (*vorbisDecoder, error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	// Buffered and not seekable: the reader would otherwise scan the whole
	// file for its length first, which nothing here needs.
	v, err := oggvorbis.NewReader(bufio.NewReaderSize(onlyReader{r}, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("%w: Ogg Vorbis header: %v", ErrCorrupt, err)
	}
	switch ch := v.Channels(); {
	case ch < 1 || ch > 2:
		return nil, fmt.Errorf("%w: Ogg Vorbis with %d channels (1 or 2 supported)", ErrUnsupported, ch)
	case v.SampleRate() < 1000 || v.SampleRate() > 384000:
		return nil, fmt.Errorf("%w: Ogg Vorbis sample rate %d", ErrUnsupported, v.SampleRate())
	}
	return &vorbisDecoder{r: v}, nil
}

// onlyReader hides the Seek method of what it wraps.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func (d *vorbisDecoder) Format() string  { return "ogg" }
func (d *vorbisDecoder) SampleRate() int { return d.r.SampleRate() }
func (d *vorbisDecoder) Channels() int   { return d.r.Channels() }

func (d *vorbisDecoder) Read(dst []float32) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	dst = dst[:len(dst)/d.Channels()*d.Channels()]
	n := 0
	for n < len(dst) {
		m, err := d.r.Read(dst[n:])
		n += m
		if err != nil {
			if errors.Is(err, io.EOF) {
				d.err = io.EOF
			} else {
				d.err = fmt.Errorf("%w: Ogg Vorbis at sample %d: %v", ErrCorrupt, d.r.Position(), err)
			}
			break
		}
		if m == 0 {
			break
		}
	}
	if n > 0 {
		return n, nil
	}
	return 0, d.err
}
