package audio

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestVorbisHostileSetup: a few hundred bytes of Ogg Vorbis whose setup
// header declares impossible codebooks. The Vorbis library allocates what
// the header says (terabytes: a fatal, unrecoverable out-of-memory that
// kills loa serve with it) or loops forever reading past the packet's end.
// Ogg pages carry a CRC, so the fuzzer cannot get there; an uploaded file
// can. Each must be refused as corrupt, at once.
func TestVorbisHostileSetup(t *testing.T) {
	type book struct{ vals, bits []uint32 }
	codebook := func(dims, entries uint32, rest ...uint32) book {
		b := book{vals: []uint32{0x564342, dims, entries}, bits: []uint32{24, 16, 24}}
		for i := 0; i+1 < len(rest); i += 2 {
			b.vals, b.bits = append(b.vals, rest[i]), append(b.bits, rest[i+1])
		}
		return b
	}
	cases := []struct {
		name  string
		book  book
		books uint32 // how many times the codebook is repeated, if not once
		pad   int    // zero bytes after the codebooks
	}{
		// 65535 × 16777215 lookup values: 4.4 TB.
		{"lookup-bomb", codebook(0xffff, 0xffffff, 1, 1, 0, 5, 0xffffff, 24, 2, 4, 0, 32, 0, 32, 0, 4, 0, 1), 0, 64},
		// 0 entries: the Huffman table is 2^32-2 entries (16 GB).
		{"zero-entries", codebook(1, 0, 0, 1, 0, 1, 0, 4), 0, 64},
		// ordered lengths that never reach the entry count: the library's
		// loop reads zeros past the end of the packet forever.
		{"ordered-truncated", codebook(1, 8, 1, 1, 0, 5, 1, 4), 0, 0},
		// 256 codebooks of 2^22 entries in 3 KB: 9 GB of Huffman tables.
		{"many-large-codebooks", codebook(1, 1<<22, 1, 1, 21, 5, 1<<22, 23, 0, 4), 256, 64},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var w lsbWriter
			n := max(c.books, 1)
			w.put(n-1, 8)
			for range n {
				for i, v := range c.book.vals {
					w.put(v, c.book.bits[i])
				}
			}
			setup := append(append([]byte("\x05vorbis"), w.bytes()...), make([]byte, c.pad)...)
			file := oggVorbisHeaders(setup)
			done := make(chan error, 1)
			go func() {
				_, err := Analyze(context.Background(), bytes.NewReader(file))
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Analyze: %v, want ErrCorrupt", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Analyze still running after 20 s")
			}
		})
	}
}

// lsbWriter packs values least significant bit first, as Vorbis does.
type lsbWriter struct {
	b []byte
	n uint
}

func (w *lsbWriter) put(v uint32, bits uint32) {
	for i := uint32(0); i < bits; i++ {
		if w.n%8 == 0 {
			w.b = append(w.b, 0)
		}
		if v>>i&1 != 0 {
			w.b[len(w.b)-1] |= 1 << (w.n % 8)
		}
		w.n++
	}
}

func (w *lsbWriter) bytes() []byte { return w.b }

// oggVorbisHeaders is an Ogg stream of a valid identification header
// (8 kHz mono), an empty comment header and setup.
func oggVorbisHeaders(setup []byte) []byte {
	id := []byte("\x01vorbis")
	id = binary.LittleEndian.AppendUint32(id, 0)    // version
	id = append(id, 1)                              // channels
	id = binary.LittleEndian.AppendUint32(id, 8000) // rate
	id = append(id, make([]byte, 12)...)            // bitrates
	id = append(id, 0x86, 1)                        // blocksizes 64/256, framing
	comment := append([]byte("\x03vorbis"), make([]byte, 8)...)
	comment = append(comment, 1)
	return append(oggPage(0, 2, 0, id), oggPage(1, 0, 0, comment, setup)...)
}

func oggPage(seq uint32, flags byte, granule uint64, packets ...[]byte) []byte {
	var segs, body []byte
	for _, p := range packets {
		n := len(p)
		for ; n >= 255; n -= 255 {
			segs = append(segs, 255)
		}
		segs = append(segs, byte(n))
		body = append(body, p...)
	}
	return oggRawPage(seq, flags, granule, segs, body)
}

// oggRawPage is one Ogg page of the given segment table and body, with
// its CRC.
func oggRawPage(seq uint32, flags byte, granule uint64, segs, body []byte) []byte {
	h := []byte("OggS\x00")
	h = append(h, flags)
	h = binary.LittleEndian.AppendUint64(h, granule)
	h = binary.LittleEndian.AppendUint32(h, 1) // serial
	h = binary.LittleEndian.AppendUint32(h, seq)
	h = binary.LittleEndian.AppendUint32(h, 0) // CRC, below
	h = append(h, byte(len(segs)))
	page := append(append(h, segs...), body...)
	var crc uint32
	for _, b := range page {
		crc ^= uint32(b) << 24
		for i := 0; i < 8; i++ {
			if crc&0x80000000 != 0 {
				crc = crc<<1 ^ 0x04c11db7
			} else {
				crc <<= 1
			}
		}
	}
	binary.LittleEndian.PutUint32(page[22:], crc)
	return page
}

// FuzzVorbis reaches the Vorbis decoder itself: FuzzAnalyze's mutations
// break the Ogg page CRC and stop at the container. Here the fuzzer's
// identification and setup headers and two audio packets are paged with
// correct CRCs (seeded from a real encode), so hostile codebooks, floors,
// residues and packets get through to the library. No input may panic
// past the decoder, hang or allocate without bound.
//
//	go test -run '^$' -fuzz '^FuzzVorbis$' -fuzztime 60s -fuzzminimizetime 1x ./internal/audio/
func FuzzVorbis(f *testing.F) {
	for _, name := range []string{"seed-vorbis-mono.ogg", "seed-vorbis-stereo.ogg"} {
		b, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzAnalyze", name))
		if err != nil {
			f.Fatal(err)
		}
		s := strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[1])
		q, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(s, "[]byte("), ")"))
		if err != nil {
			f.Fatal(err)
		}
		p := oggPackets([]byte(q))
		if len(p) < 5 {
			f.Fatalf("%s: %d packets", name, len(p))
		}
		f.Add(p[0], p[2], p[3], p[4])
	}
	f.Fuzz(func(t *testing.T, id, setup, a1, a2 []byte) {
		if len(id) < 7 {
			return
		}
		comment := append([]byte("\x03vorbis"), make([]byte, 8)...)
		file := append(oggPage(0, 2, 0, id), oggPage(1, 0, 0, comment, setup)...)
		file = append(file, oggPage(2, 4, 4096, a1, a2)...)
		if _, err := Analyze(context.Background(), bytes.NewReader(file)); err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrNotAudio) {
			t.Fatalf("unclassified error: %v", err)
		}
	})
}

// oggPackets splits an Ogg stream into its packets.
func oggPackets(b []byte) [][]byte {
	var out [][]byte
	var cur []byte
	for len(b) >= 27 && string(b[:4]) == "OggS" {
		nseg := int(b[26])
		segs := b[27 : 27+nseg]
		body := b[27+nseg:]
		for _, n := range segs {
			cur = append(cur, body[:n]...)
			body = body[n:]
			if n < 255 {
				out, cur = append(out, cur), nil
			}
		}
		b = body
	}
	return out
}

// TestVorbisLargeComment: cover art rides in the comment header
// (METADATA_BLOCK_PICTURE), megabytes of it in music files; the setup
// check bounds the setup header, not that.
func TestVorbisLargeComment(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzAnalyze", "seed-vorbis-mono.ogg"))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[1])
	q, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(s, "[]byte("), ")"))
	if err != nil {
		t.Fatal(err)
	}
	p := oggPackets([]byte(q))
	art := bytes.Repeat([]byte("A"), 6<<20)
	comment := []byte("\x03vorbis")
	comment = binary.LittleEndian.AppendUint32(comment, 0) // vendor
	comment = binary.LittleEndian.AppendUint32(comment, 1)
	comment = binary.LittleEndian.AppendUint32(comment, uint32(len("METADATA_BLOCK_PICTURE=")+len(art)))
	comment = append(append(append(comment, "METADATA_BLOCK_PICTURE="...), art...), 1)
	file := oggPage(0, 2, 0, p[0])
	seq := uint32(1)
	// The comment over pages of 255 full segments, each continued on the
	// next; the last part and the setup header on one page.
	rest := comment
	for flags := byte(0); len(rest) > 255*255; flags = 1 {
		segs := bytes.Repeat([]byte{255}, 255)
		file = append(file, oggRawPage(seq, flags, ^uint64(0), segs, rest[:255*255])...)
		rest = rest[255*255:]
		seq++
	}
	file = append(file, oggPage(seq, 1, 0, rest, p[2])...)
	seq++
	file = append(file, oggPage(seq, 4, 4096, p[3], p[4])...)
	info, err := Analyze(t.Context(), bytes.NewReader(file))
	if err != nil || info.Frames == 0 {
		t.Fatalf("Analyze: %+v, %v", info, err)
	}
}
