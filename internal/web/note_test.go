package web

import "testing"

// TestEventNote: the queue's own history notes read in Vietnamese on the
// script page; what people typed is shown as typed.
func TestEventNote(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"queued", "gửi bài"},
		{"queued; audio ghi-am.m4a (sha256 c7ba2c77, MP4/M4A) converted to FLAC",
			"gửi bài; tệp ghi-am.m4a (sha256 c7ba2c77, MP4/M4A) đã được chuyển sang FLAC"},
		{"edited: title", "sửa: title"},
		{"edited: audio; audio a.amr (sha256 ab12, AMR) converted to FLAC", "sửa: audio; tệp a.amr (sha256 ab12, AMR) đã được chuyển sang FLAC"},
		{"Đồng ý phát", "Đồng ý phát"},
	} {
		if got := eventNote(c.in); got != c.want {
			t.Errorf("eventNote(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
