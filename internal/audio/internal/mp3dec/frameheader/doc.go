// Package frameheader finds and reads the 32-bit header of an MP3 frame (go-mp3).
package frameheader
