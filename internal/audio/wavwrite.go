package audio

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// Quantize16 appends src as 16-bit little-endian PCM to dst (full scale
// 32768, clamped, rounded to nearest; no dither, so renders are
// reproducible and a 16-bit source at unity gain passes bit-exact).
func Quantize16(dst []byte, src []float32) []byte {
	for _, v := range src {
		x := math.Round(float64(v) * 32768)
		if x > 32767 {
			x = 32767
		} else if x < -32768 {
			x = -32768
		}
		dst = binary.LittleEndian.AppendUint16(dst, uint16(int16(x)))
	}
	return dst
}

// WAVWriter writes 16-bit PCM WAV. The header is written first with the
// sizes of an empty file and patched by Flush (the caller closes the file).
type WAVWriter struct {
	w        io.WriteSeeker
	rate, ch int
	frames   int64
	buf      []byte
	err      error
}

// NewWAVWriter writes the header and returns the writer.
func NewWAVWriter(w io.WriteSeeker, rate, channels int) (*WAVWriter, error) {
	ww := &WAVWriter{w: w, rate: rate, ch: channels}
	if _, err := w.Write(ww.header()); err != nil {
		return nil, fmt.Errorf("write wav header: %w", err)
	}
	return ww, nil
}

func (w *WAVWriter) header() []byte {
	data := uint32(w.frames * int64(w.ch) * 2)
	h := make([]byte, 0, 44)
	h = append(h, "RIFF"...)
	h = binary.LittleEndian.AppendUint32(h, 36+data)
	h = append(h, "WAVEfmt "...)
	h = binary.LittleEndian.AppendUint32(h, 16)
	h = binary.LittleEndian.AppendUint16(h, 1)
	h = binary.LittleEndian.AppendUint16(h, uint16(w.ch))
	h = binary.LittleEndian.AppendUint32(h, uint32(w.rate))
	h = binary.LittleEndian.AppendUint32(h, uint32(w.rate*w.ch*2))
	h = binary.LittleEndian.AppendUint16(h, uint16(w.ch*2))
	h = binary.LittleEndian.AppendUint16(h, 16)
	h = append(h, "data"...)
	h = binary.LittleEndian.AppendUint32(h, data)
	return h
}

// Write quantises and writes interleaved samples.
func (w *WAVWriter) Write(samples []float32) error {
	w.buf = Quantize16(w.buf[:0], samples)
	return w.WritePCM(w.buf)
}

// WritePCM writes already quantised 16-bit interleaved PCM.
func (w *WAVWriter) WritePCM(b []byte) error {
	if w.err != nil {
		return w.err
	}
	if _, err := w.w.Write(b); err != nil {
		w.err = fmt.Errorf("write wav: %w", err)
		return w.err
	}
	w.frames += int64(len(b) / (2 * w.ch))
	return nil
}

// Frames written so far.
func (w *WAVWriter) Frames() int64 { return w.frames }

// Flush patches the header sizes and returns to the end of the data.
func (w *WAVWriter) Flush() error {
	if w.err != nil {
		return w.err
	}
	end, err := w.w.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = w.w.Seek(0, io.SeekStart)
	}
	if err == nil {
		_, err = w.w.Write(w.header())
	}
	if err == nil {
		_, err = w.w.Seek(end, io.SeekStart)
	}
	if err != nil {
		w.err = fmt.Errorf("patch wav header: %w", err)
	}
	return w.err
}

// ResumeWAVWriter continues a WAV file already holding frames of data,
// positioned at its end (used after truncating a recording).
func ResumeWAVWriter(w io.WriteSeeker, rate, channels int, frames int64) *WAVWriter {
	return &WAVWriter{w: w, rate: rate, ch: channels, frames: frames}
}
