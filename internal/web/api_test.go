package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"loa/internal/users"
)

// TestOpenAPIMatchesRoutes: every route of the API is in the document with
// its method, and nothing in the document lacks a handler.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	b, err := files.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var documented, served []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	s := &Server{}
	for _, r := range s.apiRoutes() {
		if strings.Contains(r.pattern, " ") {
			served = append(served, r.pattern)
		}
	}
	slices.Sort(documented)
	slices.Sort(served)
	if !slices.Equal(documented, served) {
		t.Errorf("openapi.json documents\n%s\nthe handlers serve\n%s", strings.Join(documented, "\n"), strings.Join(served, "\n"))
	}
	// And each documented route answers as an API route (not the 404 of
	// the catch-all): without a token, 401; the document itself, 200.
	f := newFixture(t)
	for _, op := range documented {
		method, path, _ := strings.Cut(op, " ")
		path = strings.ReplaceAll(path, "{id}", "1")
		resp, body := f.call("", method, path, "", nil)
		want := http.StatusUnauthorized
		if path == "/api/v1/openapi.json" {
			want = http.StatusOK
		}
		if resp.StatusCode != want {
			t.Errorf("%s %s: %d %s, want %d", method, path, resp.StatusCode, body, want)
		}
	}
}

func TestAPIWorkflow(t *testing.T) {
	f := newFixture(t)
	wav := tone(t, 3, 440)
	fields := [][2]string{{"title", "Dịch vụ công trực tuyến <script>alert(1)</script>"}, {"topic", "mot-cua-dvc"},
		{"area", "thu-tuc"}, {"priority", "normal"}, {"text", "Bà con có thể nộp hồ sơ trực tuyến."}}

	// Auth: no token, a bad token, the wrong role.
	ct, body := multipartBody(t, fields, "bai.wav", wav)
	if resp, b := f.call("", "POST", "/api/v1/scripts", ct, body); resp.StatusCode != 401 || !strings.Contains(string(b), `"error"`) {
		t.Errorf("no token: %d %s", resp.StatusCode, b)
	}
	f.tokens["bad"] = "loa_not-a-token"
	if resp, b := f.call("bad", "GET", "/api/v1/scripts", "", nil); resp.StatusCode != 401 {
		t.Errorf("bad token: %d %s", resp.StatusCode, b)
	}
	ct, body = multipartBody(t, fields, "bai.wav", wav)
	if resp, b := f.call(users.Viewer, "POST", "/api/v1/scripts", ct, body); resp.StatusCode != 403 {
		t.Errorf("viewer adds: %d %s", resp.StatusCode, b)
	}
	// Bad input: a field with its name.
	ct, body = multipartBody(t, [][2]string{{"topic", "mot-cua-dvc"}}, "bai.wav", wav)
	resp, b := f.call(users.Editor, "POST", "/api/v1/scripts", ct, body)
	var e apiError
	json.Unmarshal(b, &e)
	if resp.StatusCode != 400 || e.Error != "Tiêu đề: bắt buộc phải có." || e.Field != "title" || e.Code != "required" {
		t.Errorf("no title: %d %s", resp.StatusCode, b)
	}
	ct, body = multipartBody(t, [][2]string{{"title", "Bài"}, {"topic", "khong-co"}}, "bai.wav", wav)
	resp, b = f.call(users.Editor, "POST", "/api/v1/scripts", ct, body)
	if resp.StatusCode != 400 || !strings.Contains(string(b), `{"error":"Chủ đề: không hợp lệ.","field":"topic","code":"invalid"}`) {
		t.Errorf("unknown topic: %d %s", resp.StatusCode, b)
	}

	// Add.
	ct, body = multipartBody(t, fields, "bai.wav", wav)
	resp, b = f.call(users.Editor, "POST", "/api/v1/scripts", ct, body)
	if resp.StatusCode != 201 {
		t.Fatalf("add: %d %s", resp.StatusCode, b)
	}
	var sc struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
		SHA256 string `json:"sha256"`
		Title  string `json:"title"`
	}
	json.Unmarshal(b, &sc)
	if sc.ID != 1 || sc.Status != "submitted" || len(sc.SHA256) != 64 || !strings.Contains(sc.Title, "<script>") {
		t.Fatalf("added %s", b)
	}

	// List with a filter, and get.
	resp, b = f.call(users.Viewer, "GET", "/api/v1/scripts?status=submitted&topic=mot-cua-dvc&limit=10", "", nil)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"total":1`) {
		t.Errorf("list: %d %s", resp.StatusCode, b)
	}
	if resp, b = f.call(users.Viewer, "GET", "/api/v1/scripts?limit=x", "", nil); resp.StatusCode != 400 || !strings.Contains(string(b), `"field":"limit"`) {
		t.Errorf("bad limit: %d %s", resp.StatusCode, b)
	}
	if resp, b = f.call(users.Viewer, "GET", "/api/v1/scripts/1", "", nil); resp.StatusCode != 200 || !strings.Contains(string(b), `"history":[{`) {
		t.Errorf("get: %d %s", resp.StatusCode, b)
	}
	if resp, b = f.call(users.Viewer, "GET", "/api/v1/scripts/99", "", nil); resp.StatusCode != 404 {
		t.Errorf("get missing: %d %s", resp.StatusCode, b)
	}

	// Audio with Range.
	req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/scripts/1/audio", nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens[users.Approver])
	req.Header.Set("Range", "bytes=0-99")
	ar, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	ar.Body.Close()
	if ar.StatusCode != 206 || ar.ContentLength != 100 || ar.Header.Get("Content-Type") != "audio/wav" {
		t.Errorf("audio range: %d, %d bytes, %s", ar.StatusCode, ar.ContentLength, ar.Header.Get("Content-Type"))
	}

	// Approve: the wrong role, without the hash, with a stale hash (409),
	// then right.
	approve := func(role users.Role, sum string) (*http.Response, []byte) {
		return f.call(role, "POST", "/api/v1/scripts/1/approve", "application/json",
			strings.NewReader(fmt.Sprintf(`{"sha256": %q, "note": "Đồng ý"}`, sum)))
	}
	if resp, b = approve(users.Editor, sc.SHA256); resp.StatusCode != 403 {
		t.Errorf("editor approves: %d %s", resp.StatusCode, b)
	}
	if resp, b = approve(users.Approver, ""); resp.StatusCode != 400 || !strings.Contains(string(b), `"field":"sha256"`) {
		t.Errorf("approve without hash: %d %s", resp.StatusCode, b)
	}
	stale := strings.Repeat("ab", 32)
	if resp, b = approve(users.Approver, stale); resp.StatusCode != 409 {
		t.Errorf("approve another recording: %d %s", resp.StatusCode, b)
	}
	if resp, b = approve(users.Approver, sc.SHA256); resp.StatusCode != 200 || !strings.Contains(string(b), `"status":"approved"`) ||
		!strings.Contains(string(b), `"approved_by":"pheduyet"`) {
		t.Errorf("approve: %d %s", resp.StatusCode, b)
	}
	// Reject needs a reason; retire.
	if resp, b = f.call(users.Approver, "POST", "/api/v1/scripts/1/reject", "application/json", strings.NewReader(`{}`)); resp.StatusCode != 400 {
		t.Errorf("reject without reason: %d %s", resp.StatusCode, b)
	}
	if resp, b = f.call(users.Editor, "POST", "/api/v1/scripts/1/retire", "", nil); resp.StatusCode != 200 || !strings.Contains(string(b), `"status":"retired"`) {
		t.Errorf("retire: %d %s", resp.StatusCode, b)
	}

	// The rest answer with their shapes.
	for _, c := range []struct{ path, want string }{
		{"/api/v1/status", `"on_air":false,"run":null,"item":null,"next":[{"programme":"sang"`},
		{"/api/v1/status", `"alarms":[{"code":"no-daemon"`}, // no daemon runs in this test
		{"/api/v1/schedule/next?count=2", `"at":"2026-11-25T06:30:00.000+07:00"`},
		{"/api/v1/log?from=2026-11-01&to=2026-11-30&limit=5", `{"items":[],"total":0,"limit":5,"offset":0}`},
		{"/api/v1/runs?from=2026-11-01", `"items":[]`},
		{"/api/v1/report?period=2026-11&format=json", `"period": "2026-11"`},
	} {
		resp, b := f.call(users.Viewer, "GET", c.path, "", nil)
		if resp.StatusCode != 200 || !strings.Contains(string(b), c.want) {
			t.Errorf("%s: %d %s; want %s", c.path, resp.StatusCode, b, c.want)
		}
	}
	if resp, b = f.call(users.Viewer, "GET", "/api/v1/report?period=2026-13&format=pdf", "", nil); resp.StatusCode != 400 || !strings.Contains(string(b), `"field":"period"`) {
		t.Errorf("bad period: %d %s", resp.StatusCode, b)
	}
	if resp, b = f.call(users.Viewer, "GET", "/api/v1/nothing", "", nil); resp.StatusCode != 404 {
		t.Errorf("unknown route: %d %s", resp.StatusCode, b)
	}
}

func TestAPIUploadTooLarge(t *testing.T) {
	f := newFixture(t)
	f.st.Config.Web.MaxUploadMB = 1
	big := bytes.Repeat([]byte{0}, 3<<20)
	ct, body := multipartBody(t, [][2]string{{"title", "Bài lớn"}, {"topic", "mot-cua-dvc"}}, "lon.wav", big)
	resp, b := f.call(users.Editor, "POST", "/api/v1/scripts", ct, body)
	if resp.StatusCode != 413 || !regexp.MustCompile(`"error":"Tệp quá lớn`).Match(b) {
		t.Errorf("3 MB over a 1 MB cap: %d %s", resp.StatusCode, b)
	}
	resp, b = f.call(users.Editor, "GET", "/api/v1/scripts", "", nil)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"total":0`) {
		t.Errorf("something was stored: %d %s", resp.StatusCode, b)
	}
}

// TestAPIAudioRefusalsInVietnamese: what ingest refuses in a recording
// (silence, not audio, damaged) reaches the officer as a Vietnamese
// sentence naming the recording, not the queue's English.
func TestAPIAudioRefusalsInVietnamese(t *testing.T) {
	f := newFixture(t)
	wav := tone(t, 3, 440)
	for _, c := range []struct {
		name, code, want string
		file             []byte
	}{
		{"silence", "silent", "Tệp âm thanh: gần như chỉ có im lặng", tone(t, 3, 0)},
		{"not audio", "not_audio", "Tệp âm thanh: không phải tệp âm thanh", []byte("Kính gửi bà con, đây là văn bản, không phải tệp ghi âm.")},
		{"damaged", "corrupt", "Tệp âm thanh: tệp bị hỏng", wav[:60]},
	} {
		ct, body := multipartBody(t, [][2]string{{"title", "Bài"}, {"topic", "mot-cua-dvc"}}, "bai.wav", c.file)
		resp, b := f.call(users.Editor, "POST", "/api/v1/scripts", ct, body)
		var e apiError
		json.Unmarshal(b, &e)
		if resp.StatusCode != 400 || e.Code != c.code || e.Field != "audio" || !strings.HasPrefix(e.Error, c.want) {
			t.Errorf("%s: %d %s; want code %s, error starting %q", c.name, resp.StatusCode, b, c.code, c.want)
		}
	}
}
