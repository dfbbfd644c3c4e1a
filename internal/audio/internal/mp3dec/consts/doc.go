// Package consts holds the MPEG audio header values and tables shared by the decoder's parts (go-mp3).
package consts
