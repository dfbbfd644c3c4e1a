// Package sideinfo reads the side information that follows an MP3 frame header (go-mp3).
package sideinfo
