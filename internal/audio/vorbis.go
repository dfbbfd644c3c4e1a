package audio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"

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
	if err := checkVorbisStream(bufio.NewReader(r)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
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

// The Vorbis library trusts the setup header: it allocates the codebooks'
// sizes as declared (a few hundred bytes can ask for terabytes, a fatal
// out-of-memory no recover catches) and loops forever on some impossible
// codebooks. Ogg's page CRC keeps random damage out, not a crafted upload,
// so the codebooks are checked here first, as libvorbis checks them.

// maxOggHeaderBytes bounds the identification and setup header packets
// (a real setup header is a few kilobytes). The comment header between
// them, which may carry megabytes of cover art, is skipped, not kept.
const maxOggHeaderBytes = 4 << 20

// checkVorbisStream reads the Ogg stream's first three packets (the Vorbis
// headers) and checks the setup header's codebooks.
func checkVorbisStream(r io.Reader) error {
	var (
		packets [][]byte
		cur     []byte
		serial  uint32
		hdr     [27]byte
	)
	for len(packets) < 3 {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return fmt.Errorf("page of the Ogg stream: %v", err)
		}
		if string(hdr[:4]) != "OggS" {
			return errors.New("page of the Ogg stream: no capture pattern")
		}
		segs := make([]byte, hdr[26])
		if _, err := io.ReadFull(r, segs); err != nil {
			return fmt.Errorf("page of the Ogg stream: %v", err)
		}
		size := 0
		for _, s := range segs {
			size += int(s)
		}
		body := make([]byte, size)
		if _, err := io.ReadFull(r, body); err != nil {
			return fmt.Errorf("page of the Ogg stream: %v", err)
		}
		s := binary.LittleEndian.Uint32(hdr[14:18])
		if len(packets) == 0 && cur == nil {
			serial = s
		} else if s != serial {
			continue // another stream's page
		}
		for _, n := range segs {
			if len(packets) != 1 { // not the comment header
				cur = append(cur, body[:n]...)
			}
			body = body[n:]
			if len(cur) > maxOggHeaderBytes {
				return errors.New("header of the Vorbis stream larger than 4 MB")
			}
			if n < 255 {
				packets = append(packets, cur)
				cur = []byte{}
				if len(packets) == 3 {
					break
				}
			}
		}
	}
	return checkVorbisSetup(packets[2])
}

// checkVorbisSetup checks the codebooks of a setup header packet: sizes as
// libvorbis bounds them (ilog(dimensions) + ilog(entries) ≤ 24), at least
// one dimension and one used entry, lengths that add up, lookup types 0–2,
// and every field inside the packet. It reads the fields exactly as the
// library does, so a valid stream passes.
func checkVorbisSetup(p []byte) error {
	if len(p) < 7 || string(p[:7]) != "\x05vorbis" {
		return errors.New("no setup header in the Vorbis stream")
	}
	r := lsbReader{b: p[7:]}
	books := int(r.read(8)) + 1
	var mem uint64
	for i := 0; i < books; i++ {
		m, err := checkCodebook(&r)
		if err != nil {
			return fmt.Errorf("codebook %d of the Vorbis setup: %w", i, err)
		}
		if mem += m; mem > maxVorbisCodebookBytes {
			return fmt.Errorf("codebooks of the Vorbis setup need more than %d MB", maxVorbisCodebookBytes>>20)
		}
	}
	return nil
}

// maxVorbisCodebookBytes bounds what the library allocates for all the
// codebooks together: 256 codebooks of 2^23 entries fit in a few
// kilobytes of header and would take 17 GB. Encoders' codebooks take well
// under a megabyte.
const maxVorbisCodebookBytes = 64 << 20

// checkCodebook checks one codebook and says how many bytes the library
// will allocate for it.
func checkCodebook(r *lsbReader) (uint64, error) {
	if r.read(24) != 0x564342 {
		return 0, errors.New("no sync pattern")
	}
	dims, entries := r.read(16), r.read(24)
	switch {
	case r.eof:
		return 0, errors.New("truncated")
	case dims == 0 || entries == 0:
		return 0, fmt.Errorf("%d entries of %d dimensions", entries, dims)
	case bits.Len32(dims)+bits.Len32(entries) > 24:
		return 0, fmt.Errorf("%d entries of %d dimensions: too large", entries, dims)
	}
	mem := 9 * uint64(entries) // Huffman table and its lengths
	used := uint32(0)
	if r.read(1) == 0 { // lengths listed one by one
		sparse := r.read(1) == 1
		for i := uint32(0); i < entries && !r.eof; i++ {
			if !sparse || r.read(1) == 1 {
				r.read(5)
				used++
			}
		}
	} else { // ordered: runs of entries per length
		length := r.read(5) + 1
		for used < entries && !r.eof {
			n := r.read(uint(bits.Len32(entries - used)))
			if used+n > entries || length > 32 {
				return 0, errors.New("code lengths do not add up")
			}
			used += n
			length++
		}
	}
	if used == 0 && !r.eof {
		return 0, errors.New("no entry used")
	}
	switch t := r.read(4); t {
	case 0:
	case 1, 2:
		r.read(32)
		r.read(32)
		width := r.read(4) + 1
		r.read(1)
		values := uint64(entries) * uint64(dims)
		mem += 4 * values // the vectors
		if t == 1 {       // as the library counts them
			values = uint64(math.Floor(math.Pow(float64(entries), 1/float64(dims))))
		}
		mem += 4 * values
		r.skip(values * uint64(width))
	default:
		return 0, fmt.Errorf("lookup type %d", t)
	}
	if r.eof {
		return 0, errors.New("truncated")
	}
	return mem, nil
}

// lsbReader reads Vorbis's least-significant-bit-first fields; past the
// end it reads zeros and sets eof.
type lsbReader struct {
	b   []byte
	bit uint64
	eof bool
}

func (r *lsbReader) read(n uint) uint32 {
	var v uint32
	for i := uint(0); i < n; i++ {
		if r.bit>>3 >= uint64(len(r.b)) {
			r.eof = true
			return 0
		}
		v |= uint32(r.b[r.bit>>3]>>(r.bit&7)&1) << i
		r.bit++
	}
	return v
}

func (r *lsbReader) skip(n uint64) {
	if left := uint64(len(r.b))*8 - r.bit; n > left {
		r.bit, r.eof = uint64(len(r.b))*8, true
		return
	}
	r.bit += n
}
