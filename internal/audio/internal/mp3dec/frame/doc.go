// Package frame decodes one MP3 frame to PCM: requantize, reorder, stereo, antialias, IMDCT and the synthesis filterbank (go-mp3, with loa's faster hot paths).
package frame
