// Package imdct is the inverse modified DCT and windowing of MP3 layer III (go-mp3).
package imdct
