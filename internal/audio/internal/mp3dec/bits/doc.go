// Package bits reads an MP3 bit stream a few bits at a time (go-mp3, trimmed for loa).
package bits
