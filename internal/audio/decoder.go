package audio

import (
	"bytes"
	"fmt"
	"io"
)

// Decoder reads one audio file as interleaved float32 samples in the
// source's own sample rate and channel count (1 or 2), full scale ±1.
type Decoder interface {
	// Format is "mp3", "wav", "flac" or "ogg" (Vorbis).
	Format() string
	SampleRate() int
	Channels() int
	// Read fills dst with whole frames (len(dst) should be a multiple of
	// Channels()) and returns the number of samples written. It returns
	// io.EOF at the clean end and an error wrapping ErrCorrupt when the
	// data is damaged; samples before the damage are returned first.
	Read(dst []float32) (int, error)
}

// Open identifies the container and returns a decoder positioned at the
// first sample. The returned decoder reads from r; r must stay open.
func Open(r io.ReadSeeker) (Decoder, error) {
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, fmt.Errorf("seek: %w", err)
	}
	if size == 0 {
		return nil, ErrEmpty
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("seek: %w", err)
	}
	var head [64]byte
	n, _ := io.ReadFull(r, head[:])
	h := head[:n]
	switch {
	case n >= 12 && string(h[:4]) == "RIFF" && string(h[8:12]) == "WAVE":
		return openWAV(r, size)
	case n >= 12 && (string(h[:4]) == "RIFX" || string(h[:4]) == "RF64" || string(h[:4]) == "BW64"):
		return nil, fmt.Errorf("%w: %s WAV variant", ErrUnsupported, h[:4])
	case bytes.HasPrefix(h, []byte("fLaC")):
		return openFLAC(r)
	case bytes.HasPrefix(h, []byte("OggS")):
		// The first page holds only the codec's identification header.
		switch {
		case bytes.Contains(h, []byte("\x01vorbis")):
			return openVorbis(r)
		case bytes.Contains(h, []byte("OpusHead")):
			return nil, fmt.Errorf("%w: Opus", ErrUnsupported)
		case bytes.Contains(h, []byte("\x7fFLAC")):
			return nil, fmt.Errorf("%w: FLAC in Ogg", ErrUnsupported)
		case bytes.Contains(h, []byte("Speex")):
			return nil, fmt.Errorf("%w: Speex", ErrUnsupported)
		}
		return nil, fmt.Errorf("%w: Ogg", ErrUnsupported)
	case n >= 12 && string(h[:4]) == "FORM" && (string(h[8:12]) == "AIFF" || string(h[8:12]) == "AIFC"):
		return nil, fmt.Errorf("%w: AIFF", ErrUnsupported)
	case n >= 8 && string(h[4:8]) == "ftyp":
		return nil, fmt.Errorf("%w: MP4/M4A", ErrUnsupported)
	case bytes.HasPrefix(h, []byte("#!AMR")):
		return nil, fmt.Errorf("%w: AMR", ErrUnsupported)
	case bytes.HasPrefix(h, []byte{0x30, 0x26, 0xB2, 0x75}):
		return nil, fmt.Errorf("%w: WMA/ASF", ErrUnsupported)
	case bytes.HasPrefix(h, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return nil, fmt.Errorf("%w: WebM/Matroska", ErrUnsupported)
	case bytes.HasPrefix(h, []byte("caff")):
		return nil, fmt.Errorf("%w: CAF", ErrUnsupported)
	case n >= 2 && h[0] == 0xFF && h[1]&0xF6 == 0xF0:
		return nil, fmt.Errorf("%w: AAC (ADTS)", ErrUnsupported)
	}
	return openMP3(r, size, h)
}
