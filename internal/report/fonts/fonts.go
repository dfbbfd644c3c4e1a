// Package fonts ships the Unicode TrueType fonts the PDF report is set in
// (DejaVu Sans, regular and bold), so that Vietnamese renders the same on
// every machine without depending on system fonts. The files are DejaVu
// 2.37 as Debian's fonts-dejavu-core builds them. License: see LICENSE,
// DejaVu's own (Bitstream Vera; glyphs from Arev (c) Tavmjong Bah; DejaVu
// changes in the public domain).
package fonts

import _ "embed"

// Regular is DejaVuSans.ttf.
//
//go:embed DejaVuSans.ttf
var Regular []byte

// Bold is DejaVuSans-Bold.ttf.
//
//go:embed DejaVuSans-Bold.ttf
var Bold []byte
