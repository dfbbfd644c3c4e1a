// Package maindata reads an MP3 frame's main data: scale factors and Huffman-coded samples, with the bit reservoir (go-mp3).
package maindata
