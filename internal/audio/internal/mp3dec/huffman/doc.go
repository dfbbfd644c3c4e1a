// Package huffman decodes the Huffman-coded spectral values of an MP3 frame's main data (go-mp3).
package huffman
