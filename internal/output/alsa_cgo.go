package output

/*
#cgo pkg-config: alsa
#include <alsa/asoundlib.h>

// alsa-lib prints every configuration error to stderr (16 lines for a
// machine without a card); oto's own error says what failed.
static void loa_alsa_quiet_handler(const char *file, int line, const char *function, int err, const char *fmt, ...) {}
static void loa_alsa_quiet(void) { snd_lib_error_set_handler(loa_alsa_quiet_handler); }

// loa_alsa_probe opens and closes the default playback device (as oto
// does: "default", then "plug:default"); 0 when one opens.
static int loa_alsa_probe(void) {
	snd_pcm_t *h;
	int err = snd_pcm_open(&h, "default", SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
	if (err < 0) err = snd_pcm_open(&h, "plug:default", SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
	if (err < 0) return err;
	snd_pcm_close(h);
	return 0;
}
*/
import "C"

import "fmt"

// quietALSA silences alsa-lib's stderr chatter for the process.
func quietALSA() { C.loa_alsa_quiet() }

// probeALSA reports whether the default playback device can be opened now,
// without oto (whose one context per process cannot be made again).
func probeALSA() error {
	quietALSA()
	if rc := C.loa_alsa_probe(); rc < 0 {
		return fmt.Errorf("output alsa: no usable sound device (default): %s", C.GoString(C.snd_strerror(rc)))
	}
	return nil
}
