// Package fonts ships the Unicode TrueType fonts the PDF report is set in
// (DejaVu Sans, regular and bold), so that Vietnamese renders the same on
// every machine without depending on system fonts. License: see LICENSE
// (Bitstream Vera / public domain DejaVu changes).
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
