package web

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"loa/internal/queue"
	"loa/internal/station"
	"loa/internal/users"
)

// browser is an HTTP client with cookies, like a browser without script.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func (f *fixture) browser() *browser {
	jar, _ := cookiejar.New(nil)
	c := *f.srv.Client() // a copy: each browser has its own cookies
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{t: f.t, base: f.srv.URL, c: &c}
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the token from a page's form.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	_, body := b.get(path)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("%s has no csrf field:\n%s", path, body)
	}
	return m[1]
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (b *browser) login(name, password string) *http.Response {
	b.t.Helper()
	tok := b.csrf("/dang-nhap")
	resp, _ := b.post("/dang-nhap", url.Values{"csrf": {tok}, "username": {name}, "password": {password}})
	return resp
}

func (f *fixture) signedIn(role users.Role) *browser {
	b := f.browser()
	if resp := b.login(userName(role), testPasswords[role]); resp.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("login %s: %d", role, resp.StatusCode)
	}
	return b
}

// addScript queues a script through the service layer.
func (f *fixture) addScript(title string, wav []byte) queue.Script {
	f.t.Helper()
	sc, _, err := f.st.AddScript(context.Background(), station.Local("test"), input(title, wav))
	if err != nil {
		f.t.Fatal(err)
	}
	return sc
}

func input(title string, wav []byte) queue.Fields {
	t, topic := title, "mot-cua-dvc"
	return queue.Fields{Title: &t, Topic: &topic, Audio: &queue.Upload{Name: "bai.wav", R: strings.NewReader(string(wav))}}
}

func TestCSRF(t *testing.T) {
	f := newFixture(t)
	sc := f.addScript("Bài một", tone(t, 2, 440))
	b := f.browser()
	// Sign-in without the token, and with a token that is not the cookie's.
	b.csrf("/dang-nhap") // sets the cookie
	for _, tok := range []string{"", strings.Repeat("x", 43)} {
		resp, body := b.post("/dang-nhap", url.Values{"csrf": {tok}, "username": {"quantri"}, "password": {testPasswords[users.Admin]}})
		if resp.StatusCode != 403 || !strings.Contains(body, "CSRF") {
			t.Errorf("login with csrf %q: %d", tok, resp.StatusCode)
		}
	}
	b = f.signedIn(users.Approver)
	for _, path := range []string{"/bai-phat/1/duyet", "/bai-phat/1/tu-choi", "/dang-xuat"} {
		resp, _ := b.post(path, url.Values{"sha256": {sc.AudioSHA256}, "note": {"x"}})
		if resp.StatusCode != 403 {
			t.Errorf("POST %s without csrf: %d", path, resp.StatusCode)
		}
	}
	got, _ := f.st.Script(context.Background(), station.Local("t"), sc.ID)
	if got.Status != queue.Submitted {
		t.Errorf("a forged POST changed the script: %s", got.Status)
	}
}

func TestSessionCookie(t *testing.T) {
	for _, tls := range []bool{false, true} {
		f := newFixture(t)
		if tls {
			f.srv.Close()
			f.srv = httptest.NewTLSServer(f.web.Handler())
		}
		b := f.browser()
		resp := b.login("quantri", testPasswords[users.Admin])
		var c *http.Cookie
		for _, k := range resp.Cookies() {
			if k.Name == sessionCookie {
				c = k
			}
		}
		if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tls {
			t.Errorf("tls %v: session cookie %+v", tls, c)
		}
		// Sessions live in the database: logging out revokes this one.
		tok := b.csrf("/")
		b.post("/dang-xuat", url.Values{"csrf": {tok}})
		stolen := f.browser()
		u, _ := url.Parse(f.srv.URL)
		stolen.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: c.Value}})
		if resp, _ := stolen.get("/"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("tls %v: a logged-out session still works: %d", tls, resp.StatusCode)
		}
	}
}

func TestLoginThrottle(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	for i := 0; i < 5; i++ {
		if resp := b.login("pheduyet", "sai mật khẩu"); resp.StatusCode != 401 {
			t.Fatalf("failure %d: %d", i+1, resp.StatusCode)
		}
	}
	// The sixth try is refused even with the right password.
	if resp := b.login("pheduyet", testPasswords[users.Approver]); resp.StatusCode != 429 {
		t.Errorf("after 5 failures for the user: %d", resp.StatusCode)
	}
	// Per address: the same client failing on five other names is blocked
	// for everyone else too.
	f2 := newFixture(t)
	b = f2.browser()
	for i := 0; i < 5; i++ {
		b.login("ai-do-"+string(rune('a'+i)), "sai")
	}
	if resp := b.login("quantri", testPasswords[users.Admin]); resp.StatusCode != 429 {
		t.Errorf("after 5 failures from the address: %d", resp.StatusCode)
	}
	// Time passes: allowed again.
	f2.now = f2.now.Add(failWindow + 1)
	if resp := b.login("quantri", testPasswords[users.Admin]); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after the window: %d", resp.StatusCode)
	}
}

func TestEscapingAndHeaders(t *testing.T) {
	f := newFixture(t)
	sc := f.addScript("<script>alert(1)</script>", tone(t, 2, 440))
	b := f.signedIn(users.Viewer)
	for _, path := range []string{"/bai-phat", "/bai-phat/1"} {
		resp, body := b.get(path)
		if resp.StatusCode != 200 || strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: %d; title not escaped", path, resp.StatusCode)
		}
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") ||
			h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", path, h)
		}
		if regexp.MustCompile(`<script>`).MatchString(body) || strings.Contains(body, " style=") || strings.Contains(body, " onclick=") {
			t.Errorf("%s has inline script or style", path)
		}
	}
	// Audio only by id, and only the recording the page showed.
	for path, want := range map[string]int{
		"/bai-phat/1/am-thanh":                                   200,
		"/bai-phat/1/am-thanh?sha256=" + sc.AudioSHA256:          200,
		"/bai-phat/1/am-thanh?sha256=" + strings.Repeat("0", 64): 409,
		"/bai-phat/..%2f..%2fetc%2fpasswd/am-thanh":              400,
		"/bai-phat/7/am-thanh":                                   404,
	} {
		if resp, _ := b.get(path); resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

func TestPagesByRole(t *testing.T) {
	f := newFixture(t)
	f.addScript("Dịch vụ công trực tuyến", tone(t, 2, 440))
	pages := []string{"/", "/bai-phat", "/bai-phat/1", "/duyet", "/lich-phat", "/lich-phat?xem=thang", "/nhat-ky",
		"/bao-cao", "/mo-phong", "/nguoi-dung", "/bai-phat/moi", "/mat-khau"}
	want := map[users.Role]map[string]int{
		users.Admin:  {},
		users.Viewer: {"/nguoi-dung": 403, "/bai-phat/moi": 403},
		users.Editor: {"/nguoi-dung": 403},
	}
	for role, codes := range want {
		b := f.signedIn(role)
		for _, p := range pages {
			code := 200
			if c, ok := codes[p]; ok {
				code = c
			}
			resp, body := b.get(p)
			if resp.StatusCode != code {
				t.Errorf("%s %s: %d, want %d", role, p, resp.StatusCode, code)
			}
			if !strings.Contains(body, `<html lang="vi">`) {
				t.Errorf("%s %s: not a console page", role, p)
			}
		}
	}
	// Without a session: to the sign-in page.
	if resp, _ := f.browser().get("/bai-phat"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/dang-nhap") {
		t.Errorf("anonymous: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestConsoleApproveAndUpload(t *testing.T) {
	f := newFixture(t)
	sc := f.addScript("Bài một", tone(t, 2, 440))
	b := f.signedIn(users.Approver)
	tok := b.csrf("/bai-phat/1")
	// A stale hash (the recording was replaced after the page was loaded).
	resp, body := b.post("/bai-phat/1/duyet", url.Values{"csrf": {tok}, "sha256": {strings.Repeat("ab", 32)}})
	if resp.StatusCode != 409 || !strings.Contains(body, "nghe lại") {
		t.Errorf("stale approval: %d", resp.StatusCode)
	}
	resp, _ = b.post("/bai-phat/1/duyet", url.Values{"csrf": {tok}, "sha256": {sc.AudioSHA256}, "note": {"Đồng ý"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	if _, body := b.get("/bai-phat/1?ok=duyet"); !strings.Contains(body, "Đã duyệt") || !strings.Contains(body, "pheduyet") ||
		!strings.Contains(body, `<td data-label="Ghi chú">gửi bài</td>`) {
		t.Errorf("approved page:\n%s", body)
	}

	// Upload through the form: too large (413), then fine.
	e := f.signedIn(users.Editor)
	tok = e.csrf("/bai-phat/moi")
	f.st.Config.Web.MaxUploadMB = 1
	ct, mb := multipartBody(t, [][2]string{{"csrf", tok}, {"title", "Bài lớn"}, {"topic", "mot-cua-dvc"}}, "lon.wav", make([]byte, 2<<20))
	req, _ := http.NewRequest("POST", f.srv.URL+"/bai-phat", mb)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("X-Requested-With", "loa")
	r, err := e.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 413 || !strings.Contains(string(rb), "Tệp quá lớn") {
		t.Errorf("console upload over the cap: %d %s", r.StatusCode, rb)
	}
	// Without script, a refused form comes back with what was typed.
	ct, mb = multipartBody(t, [][2]string{{"csrf", tok}, {"title", "Bài nhớ chữ"}, {"topic", "khong-co"}, {"text", "Nội dung đã gõ"}}, "a.wav", tone(t, 2, 440))
	r, _ = e.c.Post(f.srv.URL+"/bai-phat", ct, mb)
	rb, _ = io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 400 || !strings.Contains(string(rb), "Chủ đề: không hợp lệ.") || !strings.Contains(string(rb), `value="Bài nhớ chữ"`) ||
		!strings.Contains(string(rb), "Nội dung đã gõ") {
		t.Errorf("refused form: %d\n%s", r.StatusCode, rb)
	}
	f.st.Config.Web.MaxUploadMB = 300
	ct, mb = multipartBody(t, [][2]string{{"csrf", tok}, {"title", "Bài hai"}, {"topic", "ke-hoach"}}, "hai.wav", tone(t, 2, 550))
	r, err = e.c.Post(f.srv.URL+"/bai-phat", ct, mb)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/bai-phat/2" {
		t.Errorf("console upload: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	// Without the token: 403, nothing stored.
	ct, mb = multipartBody(t, [][2]string{{"title", "Bài ba"}, {"topic", "ke-hoach"}}, "ba.wav", tone(t, 2, 660))
	r, _ = e.c.Post(f.srv.URL+"/bai-phat", ct, mb)
	r.Body.Close()
	if r.StatusCode != 403 {
		t.Errorf("upload without csrf: %d", r.StatusCode)
	}
	if p, _ := f.st.Scripts(context.Background(), station.Local("t"), station.ScriptFilter{}); p.Total != 2 {
		t.Errorf("%d scripts stored, want 2", p.Total)
	}

	// Edit the approved script 1: the form shows its values; a new
	// recording sends it back for approval.
	if _, body := e.get("/bai-phat/1/sua"); !strings.Contains(body, `value="Bài một"`) || !strings.Contains(body, `action="/bai-phat/1/sua"`) {
		t.Errorf("edit form:\n%s", body)
	}
	ct, mb = multipartBody(t, [][2]string{{"csrf", tok}, {"title", "Bài một (bản mới)"}, {"topic", "mot-cua-dvc"}, {"until", ""}},
		"moi.wav", tone(t, 2, 330))
	r, _ = e.c.Post(f.srv.URL+"/bai-phat/1/sua", ct, mb)
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/bai-phat/1?ok=sua" {
		t.Fatalf("edit: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if _, body := e.get("/bai-phat/1?ok=sua"); !strings.Contains(body, "Bài một (bản mới)") || !strings.Contains(body, "cần được duyệt") {
		t.Errorf("after the edit:\n%s", body)
	}
	// An approver may not edit.
	if resp, _ := b.get("/bai-phat/1/sua"); resp.StatusCode != 403 {
		t.Errorf("approver opens the edit form: %d", resp.StatusCode)
	}
}

func TestPublicPage(t *testing.T) {
	f := newFixture(t)
	if resp, _ := f.browser().get("/cong-khai"); resp.StatusCode != 404 {
		t.Errorf("public page while web.public is off: %d", resp.StatusCode)
	}
	f.st.Config.Web.Public = true
	resp, body := f.browser().get("/cong-khai")
	if resp.StatusCode != 200 || !strings.Contains(body, "Lịch phát thanh") {
		t.Errorf("public page: %d", resp.StatusCode)
	}
	resp, body = f.browser().get("/cong-khai/atom.xml")
	var feed atomFeed
	if resp.StatusCode != 200 || xml.Unmarshal([]byte(body), &feed) != nil || feed.Title == "" {
		t.Errorf("feed: %d %s", resp.StatusCode, body)
	}
}

// TestAddFormTopicChosen: the add form starts with no topic chosen (a
// pre-selected first topic files every hurried script under "a." and skews
// the half-year coverage); sent without one, it is refused by field.
func TestAddFormTopicChosen(t *testing.T) {
	f := newFixture(t)
	e := f.signedIn(users.Editor)
	_, body := e.get("/bai-phat/moi")
	if !regexp.MustCompile(`<select name="topic" required><option value="" selected>`).MatchString(body) {
		t.Errorf("the topic is chosen before the officer chooses it:\n%s", body)
	}
	tok := e.csrf("/bai-phat/moi")
	ct, mb := multipartBody(t, [][2]string{{"csrf", tok}, {"title", "Chưa chọn chủ đề"}, {"topic", ""}}, "a.wav", tone(t, 1, 440))
	r, _ := e.c.Post(f.srv.URL+"/bai-phat", ct, mb)
	rb, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 400 || !strings.Contains(string(rb), "Chủ đề: bắt buộc phải có.") {
		t.Errorf("no topic: %d\n%s", r.StatusCode, rb)
	}
	// Editing keeps the script's topic selected.
	f.addScript("Bài có chủ đề", tone(t, 1, 440))
	if _, body := e.get("/bai-phat/1/sua"); strings.Contains(body, `<option value="" selected>`) || !strings.Contains(body, `selected>`) {
		t.Errorf("edit form loses the topic:\n%s", body)
	}
}

// TestCrossOriginForm: a form POST that the browser marks as coming from
// another site is refused even when it carries the CSRF cookie and field
// (a cookie planted from a sibling host, say); the API, used with tokens
// from scripts, is not affected.
func TestCrossOriginForm(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	tok := b.csrf("/dang-nhap")
	form := url.Values{"csrf": {tok}, "username": {"quantri"}, "password": {testPasswords[users.Admin]}}
	for _, c := range []struct {
		site string
		want int
	}{{"cross-site", 403}, {"same-site", 403}, {"same-origin", 303}} {
		req, _ := http.NewRequest("POST", f.srv.URL+"/dang-nhap", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", c.site)
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want || (c.want == 403 && !strings.Contains(string(body), "CSRF")) {
			t.Errorf("login marked %s: %d, want %d\n%s", c.site, resp.StatusCode, c.want, body)
		}
	}
	req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/scripts/1/retire", nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens[users.Editor])
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 { // no script 1: the request got through to the API
		t.Errorf("API call marked cross-site: %d", resp.StatusCode)
	}
}

// TestOwnPassword: anyone signed in changes their own password on "Đổi mật
// khẩu" by giving the current one; the change ends their sessions, and the
// new password signs in.
func TestOwnPassword(t *testing.T) {
	f := newFixture(t)
	b := f.signedIn(users.Approver)
	if _, body := b.get("/"); !strings.Contains(body, `href="/mat-khau"`) {
		t.Errorf("no link to Đổi mật khẩu")
	}
	tok := b.csrf("/mat-khau")
	for _, c := range []struct {
		name           string
		current, newPw string
		code           int
		want           string
	}{
		{"wrong current", "sai-mat-khau-cu", "mật-khẩu-mới-2027", 400, "Mật khẩu hiện tại: không đúng."},
		{"too short", testPasswords[users.Approver], "ngắn", 400, "Mật khẩu: quá ngắn."},
		{"ok", testPasswords[users.Approver], "mật-khẩu-mới-2027", 303, ""},
	} {
		resp, body := b.post("/mat-khau", url.Values{"csrf": {tok}, "current": {c.current}, "password": {c.newPw}})
		if resp.StatusCode != c.code || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d, want %d with %q\n%s", c.name, resp.StatusCode, c.code, c.want, body)
		}
	}
	if resp, _ := b.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the session outlived the password change: %d", resp.StatusCode)
	}
	if resp := f.browser().login(userName(users.Approver), "mật-khẩu-mới-2027"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("sign in with the new password: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Without the token: 403.
	if resp, _ := f.signedIn(users.Viewer).post("/mat-khau", url.Values{"current": {testPasswords[users.Viewer]}, "password": {"mật-khẩu-mới-2027"}}); resp.StatusCode != 403 {
		t.Errorf("password change without csrf: %d", resp.StatusCode)
	}
}
