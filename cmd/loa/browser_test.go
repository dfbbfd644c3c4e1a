package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserWalk drives the console in headless Chromium against the real
// binary: an operator uploads an MP3 and sees the progress bar finish, an
// approver on a 360 px phone plays it and approves, the calendar shows it
// in the next run, and the dashboard shows it on air while 'loa daemon
// --once' plays. Screenshots of each page go to the test's temp directory
// (or $LOA_SCREENSHOTS, to keep them).
func TestBrowserWalk(t *testing.T) {
	if testing.Short() {
		t.Skip("browser walk: starts Chromium and the real binary")
	}
	chrome, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (make test installs it: apt-get install chromium)")
	}
	bin := loaBinary(t)
	dir := t.TempDir()
	shots := os.Getenv("LOA_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(dir, "screenshots")
	}
	os.MkdirAll(shots, 0o755)
	data := filepath.Join(dir, "var")
	repo, _ := filepath.Abs("../..")
	mp3 := filepath.Join(repo, "audio/demo/04-nong-thon-moi.mp3")

	// A programme every hour, so the next run is always within the hour.
	sched := filepath.Join(dir, "schedules")
	os.MkdirAll(sched, 0o755)
	os.WriteFile(filepath.Join(sched, "ban-tin.toml"), []byte(fmt.Sprintf(`name = "ban-tin"
title = "Bản tin cải cách hành chính"
cron = "0 * * * *"
length = "5m"
intro = %q
fill = "end"
`, filepath.Join(repo, "audio/jingles/intro.mp3"))), 0o644)

	for _, u := range [][3]string{{"bientap", "bien-tap", "biên-tập-viên-2026"}, {"chutich", "phe-duyet", "chủ-tịch-xã-2026"}} {
		if code, _, errs := runLoaIn(t, u[2]+"\n", "--data", data, "user", "add", u[0], "--role", u[1], "--password-stdin"); code != 0 {
			t.Fatal(errs)
		}
	}
	base := "http://" + startServe(t, data, "--schedules", sched).addr

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(filepath.Join(dir, "chromium")),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()

	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	login := func(name, password string) {
		t.Helper()
		do("sign in as "+name,
			chromedp.Navigate(base+"/dang-nhap"),
			chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=username]`), name),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
			chromedp.Click(chromedp.CSS(`#login button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#on-air`)),
		)
	}
	bodyText := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	// The operator uploads the MP3 and watches the bar reach 100 %.
	shot("01-dang-nhap")
	login("bientap", "biên-tập-viên-2026")
	shot("02-tong-quan-trong")
	title := "Sáng – Xanh – Sạch – Đẹp trong xây dựng nông thôn mới"
	do("fill the upload form",
		chromedp.Navigate(base+"/bai-phat/moi"),
		chromedp.WaitVisible(chromedp.CSS(`#upload`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=title]`), title),
		chromedp.SetValue(chromedp.CSS(`select[name=topic]`), "dan-chu-ntm"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=text]`), "Bà con cùng giữ đường làng sáng, xanh, sạch, đẹp."),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name=audio]`), []string{mp3}),
	)
	shot("03-them-bai")
	do("send the form", chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)))
	finished, err := chromedp.Run(ctx, chromedp.Poll[bool](`(function () {
		var p = document.getElementById("progress"), s = document.getElementById("progress-text");
		return !!p && !p.hidden && p.value === 100 && /Đã gửi bài/.test(s.textContent);
	})()`, chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(60*time.Second)))
	if err != nil || !finished {
		t.Fatalf("the progress bar did not finish: %v", err)
	}
	shot("04-tai-len-xong")
	// The page then opens the new script (a navigation: poll by hand, as a
	// poll inside the page does not survive it).
	scriptURL := regexp.MustCompile(`/bai-phat/(\d+)$`)
	var id string
	for deadline := time.Now().Add(30 * time.Second); id == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
			if m := scriptURL.FindStringSubmatch(loc); m != nil {
				id = m[1]
			}
		}
	}
	if id == "" {
		t.Fatal("not taken to the new script's page")
	}
	do("script page", chromedp.WaitVisible(chromedp.CSS(`#player`)))
	shot("05-bai-moi")
	if txt := bodyText(); !strings.Contains(txt, title) || !strings.Contains(txt, "Chờ duyệt") {
		t.Fatalf("script page after upload:\n%s", txt)
	}
	do("sign out", chromedp.Click(chromedp.CSS(`.logout button`)), chromedp.WaitVisible(chromedp.CSS(`#login`)))

	// The approver, on a 360 px phone, plays it and approves.
	do("phone viewport", chromedp.EmulateViewport(360, 780))
	login("chutich", "chủ-tịch-xã-2026")
	shot("06-tong-quan-dien-thoai")
	do("open the approvals list", chromedp.Navigate(base+"/duyet"), chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	shot("07-duyet-dien-thoai")
	do("open the script", chromedp.Click(chromedp.CSS(`table.list a[href="/bai-phat/`+id+`"]`)), chromedp.WaitVisible(chromedp.CSS(`#player`)))
	disabled, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("approve-button").disabled`))
	if err != nil || !disabled {
		t.Errorf("approve button enabled before listening (%v)", err)
	}
	do("play the recording",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("player").play(); undefined`),
		chromedp.WaitEnabled(chromedp.CSS(`#approve-button`)),
	)
	shot("08-nghe-dien-thoai")
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`))
	if err != nil || overflow {
		t.Errorf("the script page overflows horizontally at 360 px (%v)", err)
	}
	do("approve", chromedp.Click(chromedp.CSS(`#approve-button`)), chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	if txt := bodyText(); !strings.Contains(txt, "Đã duyệt bài") || !strings.Contains(txt, "chutich") {
		t.Fatalf("after approving:\n%s", txt)
	}
	shot("09-da-duyet-dien-thoai")

	// The calendar shows it in the next run (the next full hour).
	next := time.Now().In(stationZone(t)).Truncate(time.Hour).Add(time.Hour)
	do("calendar", chromedp.Navigate(base+"/lich-phat?tu="+next.Format("2006-01-02")), chromedp.WaitVisible(chromedp.CSS(`.calendar`)))
	shot("10-lich-phat-dien-thoai")
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
		var r = document.querySelector(".calendar .run"); return r ? r.innerText : "";
	})()`))
	if err != nil || !strings.Contains(first, next.Format("15:04")) || !strings.Contains(first, title) {
		t.Errorf("the first run on the calendar is %q, want %s with %q (%v)", first, next.Format("15:04"), title, err)
	}
	for _, p := range []struct{ path, name string }{
		{"/bai-phat", "11-bai-phat"}, {"/nhat-ky", "12-nhat-ky"}, {"/bao-cao", "13-bao-cao"}, {"/mo-phong", "14-mo-phong"},
	} {
		do(p.path, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		shot(p.name + "-dien-thoai")
		if o, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`)); o {
			t.Errorf("%s overflows horizontally at 360 px", p.path)
		}
	}

	// The dashboard shows it on air while the daemon plays it.
	do("desktop viewport", chromedp.EmulateViewport(1280, 900))
	daemon := exec.Command(bin, "--data", data, "daemon", "--schedules", sched, "--output", "null", "--once", "ban-tin")
	var daemonLog strings.Builder
	daemon.Stderr = &daemonLog
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- daemon.Wait() }()
	var onAir string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		do("dashboard", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`#on-air`)))
		onAir, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#on-air`)))
		if strings.Contains(onAir, title) {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("the daemon ended before the dashboard showed the script on air (%v); last: %q\n%s", err, onAir, daemonLog.String())
		case <-time.After(300 * time.Millisecond):
		}
	}
	if !strings.Contains(onAir, title) || !strings.Contains(onAir, "ban-tin") {
		t.Fatalf("dashboard on air: %q", onAir)
	}
	shot("15-tong-quan-dang-phat")
	if err := <-exited; err != nil {
		t.Fatalf("daemon --once: %v\n%s", err, daemonLog.String())
	}
	do("log", chromedp.Navigate(base+"/nhat-ky"), chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	if txt := bodyText(); !strings.Contains(txt, title) || !strings.Contains(txt, "đã phát") {
		t.Errorf("the log does not show the broadcast:\n%s", txt)
	}
	shot("16-nhat-ky")
	t.Logf("screenshots in %s", shots)
}

func waitHTTP(t *testing.T, url string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func stationZone(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
