// Copyright 2017 Hajime Hoshi
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

// Package mp3dec is go-mp3 v0.3.4 trimmed for loa: streaming only (no
// seeking), float32 stereo output, faster hot paths.
package mp3dec

import (
	"errors"
	"io"
	"strings"

	"loa/internal/audio/internal/mp3dec/consts"
	"loa/internal/audio/internal/mp3dec/frame"
)

// ErrTruncated: the stream ends inside a frame.
var ErrTruncated = errors.New("mp3: stream ends inside a frame (truncated)")

// A Decoder is a MP3-decoded stream.
type Decoder struct {
	source     *source
	sampleRate int
	frame      *frame.Frame
	pcm        []float32 // decoded frame, interleaved stereo
	off        int
}

func (d *Decoder) readFrame() error {
	var err error
	d.frame, _, err = frame.Read(d.source, d.source.pos, d.frame)
	if err != nil {
		if err == io.EOF {
			return io.EOF
		}
		if e, ok := err.(*consts.UnexpectedEOF); ok {
			// Running out while looking for the next header is the end
			// (or trailing junk); running out inside a frame is a cut file.
			if strings.HasPrefix(e.At, "readHeader") {
				return io.EOF
			}
			return ErrTruncated
		}
		return err
	}
	d.pcm = d.frame.DecodeFloat(d.pcm[:0])
	d.off = 0
	return nil
}

// Read fills dst with interleaved stereo float32 samples (a mono stream
// has both channels equal) and returns the number of samples.
func (d *Decoder) Read(dst []float32) (int, error) {
	for d.off >= len(d.pcm) {
		if err := d.readFrame(); err != nil {
			return 0, err
		}
	}
	n := copy(dst, d.pcm[d.off:])
	d.off += n
	return n, nil
}

// SampleRate returns the sample rate like 44100.
func (d *Decoder) SampleRate() int {
	return d.sampleRate
}

// NewDecoder decodes the given io.Reader and returns a decoded stream.
func NewDecoder(r io.Reader) (*Decoder, error) {
	s := &source{
		reader: r,
	}
	d := &Decoder{
		source: s,
	}

	if err := s.skipTags(); err != nil {
		return nil, err
	}
	if err := d.readFrame(); err != nil {
		return nil, err
	}
	freq, err := d.frame.SamplingFrequency()
	if err != nil {
		return nil, err
	}
	d.sampleRate = freq
	return d, nil
}
