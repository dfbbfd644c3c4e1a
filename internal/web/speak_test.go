package web

import (
	"context"
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"

	"loa/internal/station"
	"loa/internal/users"
)

// TestSpokenScript: "Đọc từ văn bản" on the add form (and tts=true in the
// API) queues a script whose audio is its text read by the station's
// engine, with the voice recorded; without a text it is refused by field.
func TestSpokenScript(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed (Debian package espeak-ng; make test installs it)")
	}
	f := newFixture(t)
	e := f.signedIn(users.Editor)
	if _, body := e.get("/bai-phat/moi"); !strings.Contains(body, `name="tts"`) || !strings.Contains(body, "Đọc từ văn bản") {
		t.Fatalf("the add form has no \"Đọc từ văn bản\" option:\n%s", body)
	}
	tok := e.csrf("/bai-phat/moi")
	text := "Kính thưa bà con. UBND xã thông báo: từ ngày 03/01/2027, bà con nộp hồ sơ qua dịch vụ công trực tuyến."

	cases := []struct {
		name   string
		fields [][2]string
		code   int
		want   string // in the answer
	}{
		{"no text", [][2]string{{"csrf", tok}, {"title", "Bài đọc máy"}, {"topic", "mot-cua-dvc"}, {"tts", "1"}}, 400, "Nội dung: bắt buộc phải có."},
		{"spoken", [][2]string{{"csrf", tok}, {"title", "Bài đọc máy"}, {"topic", "mot-cua-dvc"}, {"text", text}, {"tts", "1"}}, 303, ""},
	}
	for _, c := range cases {
		ct, mb := multipartBody(t, c.fields, "", nil)
		r, err := e.c.Post(f.srv.URL+"/bai-phat", ct, mb)
		if err != nil {
			t.Fatal(err)
		}
		rb, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != c.code || !strings.Contains(string(rb), c.want) {
			t.Errorf("%s: %d, want %d with %q\n%s", c.name, r.StatusCode, c.code, c.want, rb)
		}
	}
	sc, err := f.st.Script(context.Background(), station.Local("t"), 1)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Voice == nil || sc.Voice.Engine != "espeak-ng" || sc.AudioSHA256 == "" || sc.DurationS < 2 || sc.Body != text || sc.Author != "" {
		t.Errorf("spoken script: voice %+v, sha %q, %.1f s, text %q", sc.Voice, sc.AudioSHA256, sc.DurationS, sc.Body)
	}
	if _, body := e.get("/bai-phat/1"); !strings.Contains(body, "espeak-ng") {
		t.Errorf("the script page does not say who read it:\n%s", body)
	}

	// The API: tts=true, no audio part.
	ct, mb := multipartBody(t, [][2]string{{"title", "Bài đọc máy qua API"}, {"topic", "ke-hoach"}, {"text", text}, {"tts", "true"}}, "", nil)
	resp, b := f.call(users.Editor, "POST", "/api/v1/scripts", ct, mb)
	var got struct {
		ID    int64           `json:"id"`
		Voice json.RawMessage `json:"voice"`
	}
	json.Unmarshal(b, &got)
	if resp.StatusCode != 201 || got.ID != 2 || !strings.Contains(string(got.Voice), "espeak-ng") {
		t.Errorf("API spoken script: %d %s", resp.StatusCode, b)
	}
	// A recording and tts together are refused.
	ct, mb = multipartBody(t, [][2]string{{"title", "Cả hai"}, {"topic", "ke-hoach"}, {"text", text}, {"tts", "true"}}, "a.wav", tone(t, 1, 440))
	if resp, b := f.call(users.Editor, "POST", "/api/v1/scripts", ct, mb); resp.StatusCode != 400 || !strings.Contains(string(b), `"field":"audio"`) {
		t.Errorf("tts with a recording: %d %s", resp.StatusCode, b)
	}
	// A viewer may not.
	ct, mb = multipartBody(t, [][2]string{{"title", "Xem"}, {"topic", "ke-hoach"}, {"text", text}, {"tts", "true"}}, "", nil)
	if resp, _ := f.call(users.Viewer, "POST", "/api/v1/scripts", ct, mb); resp.StatusCode != 403 {
		t.Errorf("viewer speaks a script: %d", resp.StatusCode)
	}
}
