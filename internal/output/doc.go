// Package output sends a rendered programme (an audio.Stream) to where it
// is heard or recorded.
//
//	out, err := output.Parse("alsa+wav:var/aircheck") // "alsa", "wav:DIR", "null", "null:instant", combos with '+'
//	var prog output.Progress                          // optional, read from any goroutine
//	played, err := out.Play(ctx, stream, &prog)
//
// Play blocks until the stream ends, fails, or ctx is cancelled (it then
// returns within 100 ms with ctx.Err() and the frames that went out). The
// stream is quantised once to 16-bit PCM, and the very same bytes go to every
// sink of a combination: the air-check WAV holds exactly what the sound
// card was sent.
//
// Played reports Frames that went out, Started (wall clock of the first
// sample going out; for alsa: when oto first pulled audio plus the 50 ms
// device buffer we ask ALSA for) and, when the stream is an *audio.Renderer
// (anything with Results), Items: frames of each item that went out, so
// partial airtime can be logged after a stop. For alsa, "went out" is what
// oto has taken from its player buffer (at most 50 ms of audio may still be
// in the device buffer).
// Progress.Frames() and Progress.Started() give the same figures while
// playing.
//
// Sinks:
//   - alsa: the default ALSA device through ebitengine/oto v3 (not beep's
//     speaker, which silently never plays when no device opens). Opening
//     fails with a clear error naming the device problem. oto allows one
//     audio context per process and fixes its sample format: all alsa
//     outputs share it, the first Play decides the format, a later Play with
//     another format fails, and so does a second Play while one is running.
//     The context is suspended between programmes.
//   - wav:DIR: one 16-bit WAV per Play in DIR, named by UTC start time
//     (20261126T053000Z.wav, with -2, -3 ... if taken); the header is
//     patched every second of audio and on close, so a crash leaves a readable
//     file. Alone (or with null:instant) it is not paced: it writes as
//     fast as the stream renders; with alsa or null it records in real
//     time, and after a stop it is cut to exactly the frames that went out.
//   - null: discards in real time (paced by the wall clock); null:instant
//     discards as fast as it can (tests, simulation).
package output
