package audio

import "errors"

// Sentinel errors returned (wrapped) by Analyze, Open and the renderer.
// Test with errors.Is.
var (
	// ErrEmpty: the input has zero bytes.
	ErrEmpty = errors.New("audio: empty file")
	// ErrNotAudio: the input is not a container loa recognises.
	ErrNotAudio = errors.New("audio: not an audio file")
	// ErrUnsupported: a recognised container or codec loa does not decode
	// (Opus and other non-Vorbis Ogg, AAC/M4A, AMR, WMA, AIFF, MPEG
	// layer I/II, WAV codecs other than PCM/float/G.711, more than 2 channels).
	ErrUnsupported = errors.New("audio: unsupported format")
	// ErrCorrupt: truncated or damaged data, or a decoder error.
	ErrCorrupt = errors.New("audio: corrupt or truncated")
)
