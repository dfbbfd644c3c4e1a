package report

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"loa/internal/report/fonts"
)

// Chart geometry (mm) and resolution: one PNG serves the PDF and the DOCX,
// so the chart is the same picture in both.
const (
	chartW      = 160.0
	chartBarH   = 5.5
	chartGap    = 2.5
	chartLabelW = 20.0
	chartValueW = 26.0
	chartPxMM   = 8.0 // ≈ 203 dpi
	chartPt     = 12.0
)

var (
	chartBar   = color.RGBA{46, 92, 160, 255}
	chartAlert = color.RGBA{192, 0, 0, 255}
)

// topicChart draws horizontal bars of airtime by topic, labelled with the
// plan item and the duration (or "chưa phát"), and returns the PNG and its
// size on the page in mm.
func (r *Report) topicChart() ([]byte, float64, float64, error) {
	n := len(r.ByTopic)
	hMM := 2 + float64(n)*(chartBarH+chartGap)
	px := func(mm float64) int { return int(mm*chartPxMM + 0.5) }
	img := image.NewRGBA(image.Rect(0, 0, px(chartW), px(hMM)))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	regular, err := chartFace(fonts.Regular)
	if err != nil {
		return nil, 0, 0, err
	}
	defer regular.Close()
	bold, err := chartFace(fonts.Bold)
	if err != nil {
		return nil, 0, 0, err
	}
	defer bold.Close()

	maxS := 0.0
	for _, b := range r.ByTopic {
		maxS = max(maxS, b.AirtimeS)
	}
	barMax := chartW - chartLabelW - chartValueW
	axis := px(chartLabelW)
	fill(img, image.Rect(axis-1, 0, axis+1, px(hMM)), color.Black)
	y := 1.0
	for _, b := range r.ByTopic {
		label := "Mục " + b.Item
		if b.Item == "" {
			label = b.Code
		}
		base := px(y + chartBarH/2 + 1.5) // text baseline, centred on the bar
		text(img, regular, label, px(chartLabelW-1.5)-width(regular, label), base, color.Black)
		w := 0.0
		if maxS > 0 {
			w = barMax * b.AirtimeS / maxS
		}
		if b.AirtimeS > 0 {
			fill(img, image.Rect(axis+1, px(y), axis+1+max(px(w), 2), px(y+chartBarH)), chartBar)
		}
		x := axis + px(w) + px(1.5)
		if b.Items == 0 {
			text(img, bold, Uncovered, x, base, chartAlert)
		} else {
			text(img, regular, HMS(b.AirtimeS), x, base, color.Black)
		}
		y += chartBarH + chartGap
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, 0, 0, fmt.Errorf("draw topic chart: %w", err)
	}
	return buf.Bytes(), chartW, hMM, nil
}

func chartFace(ttf []byte) (font.Face, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("draw topic chart: %w", err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: chartPt, DPI: chartPxMM * 25.4, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("draw topic chart: %w", err)
	}
	return face, nil
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, &image.Uniform{c}, image.Point{}, draw.Src)
}

func width(face font.Face, s string) int { return font.MeasureString(face, s).Round() }

func text(img *image.RGBA, face font.Face, s string, x, y int, c color.Color) {
	d := font.Drawer{Dst: img, Src: &image.Uniform{c}, Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}
