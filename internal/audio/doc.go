// Package audio decodes MP3, WAV, FLAC and Ogg Vorbis exactly, measures loudness (ITU-R
// BS.1770-4 / EBU R128) and renders programmes: ordered items turned into
// one continuous stream in the station format, as the air will carry it.
//
// # Decoding
//
// Open returns a Decoder (interleaved float32, source rate and channels).
// MP3 goes through internal/mp3dec, a copy of hajimehoshi/go-mp3 v0.3.4
// (Apache-2.0) whose hot paths were rewritten (fast DCT synthesis, no
// per-frame allocation, float output: about 2.7× go-mp3's speed) and whose
// MPEG-2 faults were fixed, MPEG 2.5 added (see its README): every Layer
// III stream from 8 to 48 kHz, checked against ffmpeg on 180 generated
// encodings (TestMP3MatrixMatchesFFmpeg: same length, ≥ 60 dB SNR, loudness
// within 0.2 LU). It is made gapless: with a LAME
// (or Lavf/Lavc) Xing/Info tag the encoder delay plus the 529-sample decoder
// delay are dropped at the start and the encoder padding at the end, so the
// length equals ffmpeg's to the sample. Without such a tag (lame -t, some
// old encoders, VBRI) nothing says how long the padding is, so every decoded
// sample is kept, again as ffmpeg does. A mono MP3 stays mono (go-mp3's
// duplicated right channel is discarded): Channels reports 1 and levels are
// unchanged. A file that ends inside a frame, or has fewer frames than its
// Xing header announces, is ErrCorrupt. WAV: PCM 8/16/24/32-bit, float
// 32/64-bit and G.711 A-law/µ-law (telephone recordings), 1 or 2 channels.
// FLAC through mewkiz/flac (frame CRCs checked,
// a stream shorter than its STREAMINFO count is ErrCorrupt) and Ogg Vorbis
// through jfreymuth/oggvorbis (trimmed by granule position): lengths equal
// ffmpeg's, loudness within 0.01 LU. Opus, FLAC-in-Ogg, M4A/AAC, AMR, WMA
// are ErrUnsupported here; the queue has ffmpeg convert them at ingest.
//
// Loudness: Meter implements BS.1770-4 (K-weighting biquads derived for
// the actual sample rate, 400 ms blocks every 100 ms, −70 LUFS and −10 LU
// gates, exact block energies rather than a histogram) and true peak with
// the BS.1770 4× polyphase filter; blocks that provably cannot beat the
// peak found so far are skipped. Analyze computes true peak on a second
// goroutine. Digital silence reports SilenceLUFS (−70) and FloorDBTP.
//
// Analyze(ctx, r) decodes a whole file once and returns Info: format, rate,
// source channels, exact frames, integrated loudness and true peak. The
// queue calls it at ingest and stores the Info with the script. Errors wrap
// ErrEmpty, ErrNotAudio, ErrUnsupported or ErrCorrupt; it never panics.
//
// # Station format and why
//
// Options (see DefaultOptions, OptionsFromConfig) carry the station format;
// the default is 44 100 Hz mono: the horns on the poles are fed by one
// amplifier (or one FM/IP channel) and reproduce nothing above ~8 kHz, and
// most scripts arrive as 44.1 kHz MP3, so most items need no resampling.
// Other rates are converted with beep/v2's resampler at Options.
// ResampleQuality (default 4: 8-point Lagrange interpolation, transparent
// for speech through horn loudspeakers at a small CPU cost). Stereo sources
// on a mono station are mixed (L+R)/2; mono sources on a stereo station are
// copied to both channels.
//
// # Programme rendering (the contract the daemon relies on)
//
//	r, err := audio.NewRenderer(ctx, items, opts) // items: []audio.Item, in air order
//	defer r.Close()
//	// r is a Stream: SampleRate(), Channels(), Read([]float32)
//	played, err := out.Play(ctx, r, progress) // see package output
//	for _, it := range r.Results() { ... it.Start, it.End, it.GainDB, it.Err }
//
// Each Item is a file (Path, or Open for another source) or a silence
// (Silence > 0), with a Kind label carried through to the results, and the
// Info measured at ingest if known (nil: measured now, by decoding the file
// an extra time before it plays). Per item, in order: decode, convert to
// the station format, trim leading and trailing silence below
// Options.SilenceDBFS (sample peak, judged after the item's gain;
// non-destructive, playout only; trailing silence is trimmed up to
// MaxTrailingTrim, longer quiet tails are kept in part), gain to
// Options.TargetLUFS (clamped to ±MaxGainDB; digital silence gets 0 dB and,
// being all trimmed, no airtime), fade in and out over Options.Fade, a
// high-pass at Options.HighpassHz (12 dB/octave, the horn band; 0 = off),
// a gentle compressor on the peak envelope (3:1 from 10 dB over the target)
// and its makeup gain. Items are joined with Options.Gap of digital silence
// (no gap before the first or after the last item, none around items that
// produce no audio). The whole stream then passes a look-ahead true-peak
// limiter with ceiling Options.CeilingDBTP: peaks are held down by a smooth
// gain envelope (3 ms attack look-ahead, 50 ms release) instead of clipping
// or turning the whole item down. The limiter delay is compensated: output
// frame n is programme frame n.
//
// Every item comes out at the target (±1 LU, in practice ±0.2) whatever
// its peak-to-loudness ratio, because its gains are found by measuring the
// processed result (Level, see process.go): the chain is run over the item
// alone and the makeup corrected until the output measures the target.
// AnalyzeLevel does this at ingest, where an item that cannot reach the
// target (Level.Short: it would need more than MaxGainDB, or the makeup,
// bounded by what the processing took plus 3 dB, is not enough) is
// reported; NewRenderer does it for items whose Info carries no Level for
// the current options (`loa render` of files, scripts ingested before).
// Playout and `loa render` build the same chain from the same Level, so
// what airs is what `loa render` writes.
//
// Item results: Start and End are output frame offsets [Start, End) of the
// item's audio (gaps excluded), known as soon as the item has been rendered
// (End = -1 while it is being rendered, Start = -1 before). The airtime log
// is computed from these. A damaged file (or a decoder error mid-file) ends
// that item where the error occurs, with a short fade; the error is kept in
// ItemResult.Err and rendering continues with the next item after the normal
// gap. A file that cannot be opened at all gives an item with Start == End
// and Err set. Nothing panics.
//
// Thread safety: Read must be called from one goroutine (the output's);
// Results, Progress and ItemAt may be called from any goroutine at any time
// (the daemon polls them every second). Progress reports frames rendered,
// which run ahead of frames played by the output buffer; use
// output.Progress for what actually went out and ItemAt(frame) to map it to
// an item.
//
// Each file item is decoded on its own goroutine (two when it needs
// resampling, so decoding and resampling overlap), and the next item starts
// decoding while the current one plays, ~1.5 s ahead: an item boundary never
// waits for a file to open, and offline rendering uses both cores. Call
// Close when done with a renderer, finished or not: it stops those
// goroutines and closes the files.
//
// Memory: everything streams; a renderer holds about a megabyte of buffers
// plus the trailing-silence buffer (at most MaxTrailingTrim of audio),
// whatever the programme length (11 MB max RSS for a whole 2-hour render).
package audio
