// Package fonts ships the TrueType fonts the report documents are set in:
// Liberation Serif (regular, bold, italic, bold italic), metric-compatible
// with Times New Roman, which Nghị định 30/2020 prescribes, and covering
// every Vietnamese letter. Bundled so that the PDF looks the same on every
// machine without system fonts. The files are Liberation 2.1.5 as Debian's
// fonts-liberation2 ships them; licence: SIL Open Font License 1.1, see
// LICENSE.
package fonts

import _ "embed"

// Family is the name Word and LibreOffice know the fonts by.
const Family = "Liberation Serif"

// Regular is LiberationSerif-Regular.ttf.
//
//go:embed LiberationSerif-Regular.ttf
var Regular []byte

// Bold is LiberationSerif-Bold.ttf.
//
//go:embed LiberationSerif-Bold.ttf
var Bold []byte

// Italic is LiberationSerif-Italic.ttf.
//
//go:embed LiberationSerif-Italic.ttf
var Italic []byte

// BoldItalic is LiberationSerif-BoldItalic.ttf.
//
//go:embed LiberationSerif-BoldItalic.ttf
var BoldItalic []byte
