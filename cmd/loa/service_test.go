package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServiceUnits: the units as make install writes them for a prefix
// hold what the issue asks of the service, and systemd's own tools accept
// them: systemd-analyze verify (no warning at all) and systemd-sysusers.
func TestServiceUnits(t *testing.T) {
	prefix := t.TempDir()
	if err := os.MkdirAll(filepath.Join(prefix, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	// verify checks that ExecStart's binary exists and is executable.
	if err := os.Symlink(loaBinary(t), filepath.Join(prefix, "bin", "loa")); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runLoa(t, "service", "units")
	if code != 0 {
		t.Fatalf("service units: exit %d: %s", code, errs)
	}
	names := strings.Fields(out)
	if strings.Join(names, " ") != "loa-backup.service loa-backup.timer loa.service loa.sysusers" {
		t.Fatalf("units: %q", out)
	}
	dir := t.TempDir()
	units := map[string]string{}
	for _, n := range names {
		code, out, errs := runLoa(t, "service", "unit", "--prefix", prefix+"/", n)
		if code != 0 {
			t.Fatalf("service unit %s: exit %d: %s", n, code, errs)
		}
		units[n] = out
		if err := os.WriteFile(filepath.Join(dir, n), []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, def, _ := runLoa(t, "service", "unit"); !strings.Contains(def, "ExecStart=/usr/local/bin/loa --data /var/lib/loa daemon") {
		t.Errorf("default unit:\n%s", def)
	}
	for name, want := range map[string][]string{
		"loa.service": {"Type=notify", "WatchdogSec=", "Restart=on-failure", "User=loa", "StateDirectory=loa",
			"StateDirectoryMode=0750", "ExecStart=" + prefix + "/bin/loa --data /var/lib/loa daemon --schedules " + prefix + "/share/loa/schedules",
			"WorkingDirectory=" + prefix + "/share/loa", "ExecReload=/bin/kill -HUP $MAINPID"},
		"loa-backup.service": {"Type=oneshot", "User=loa", prefix + "/bin/loa --data /var/lib/loa backup --out /var/backups/loa/loa-"},
		"loa-backup.timer":   {"OnCalendar=*-*-* 02:30:00", "Persistent=true"},
		"loa.sysusers":       {"u loa - ", "m loa audio"},
	} {
		for _, w := range want {
			if !strings.Contains(units[name], w) {
				t.Errorf("%s lacks %q:\n%s", name, w, units[name])
			}
		}
	}

	t.Run("systemd-analyze verify", func(t *testing.T) {
		path, err := exec.LookPath("systemd-analyze")
		if err != nil {
			t.Skip("systemd-analyze not installed (make test installs the systemd package)")
		}
		cmd := exec.Command(path, "verify", "loa.service", "loa-backup.service", "loa-backup.timer")
		cmd.Dir = dir
		// verify exits 0 on warnings (an unknown key, a bad value): any
		// output at all is a failure.
		out, err := cmd.CombinedOutput()
		if err != nil || len(strings.TrimSpace(string(out))) > 0 {
			t.Errorf("systemd-analyze verify: %v\n%s", err, out)
		}
	})
	t.Run("systemd-sysusers", func(t *testing.T) {
		path, err := exec.LookPath("systemd-sysusers")
		if err != nil {
			t.Skip("systemd-sysusers not installed (make test installs the systemd package)")
		}
		root := t.TempDir()
		os.Mkdir(filepath.Join(root, "etc"), 0o755)
		out, err := exec.Command(path, "--root", root, filepath.Join(dir, "loa.sysusers")).CombinedOutput()
		passwd, _ := os.ReadFile(filepath.Join(root, "etc", "passwd"))
		group, _ := os.ReadFile(filepath.Join(root, "etc", "group"))
		if err != nil || !strings.Contains(string(passwd), "loa:x:") || !strings.Contains(string(passwd), ":/var/lib/loa:") ||
			!strings.Contains(string(group), "audio:x:") || !strings.Contains(string(group), ":loa") {
			t.Errorf("systemd-sysusers: %v\n%s\npasswd: %s\ngroup: %s", err, out, passwd, group)
		}
	})
}

func TestServiceBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"service"},
		{"service", "frobnicate"},
		{"service", "unit", "loa.socket"},
		{"service", "unit", "--prefix", "usr/local"},
		{"service", "unit", "--prefix", "/opt/loa station"},
		{"service", "unit", "loa.service", "loa.timer"},
		{"service", "units", "x"},
	} {
		if code, out, errs := runLoa(t, args...); code != 2 || out != "" || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
}

// TestDaemonNotifiesSystemd: under systemd (NOTIFY_SOCKET, WATCHDOG_USEC
// set by the service manager) the daemon says READY=1 once started, pings
// WATCHDOG=1 at half the watchdog interval, and STOPPING=1 on SIGTERM.
func TestDaemonNotifiesSystemd(t *testing.T) {
	s := newStation(t, "0 5 1 1 *", "1m")
	sock := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cmd := exec.Command(s.bin, "--data", s.data, "daemon", "--schedules", s.sched, "--output", "wav:"+s.air)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+sock, "WATCHDOG_USEC=400000")
	errb := &syncBuffer{}
	cmd.Stderr = errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-done
		}
	})
	// Messages in order; a loaded machine may take long to start, so the
	// wait is generous and only bounds a hang.
	next := func(want string) {
		t.Helper()
		buf := make([]byte, 4096)
		for {
			conn.SetReadDeadline(time.Now().Add(60 * time.Second))
			n, err := conn.Read(buf)
			if err != nil {
				t.Fatalf("waiting for %s: %v\ndaemon log:\n%s", want, err, errb.String())
			}
			if msg := string(buf[:n]); msg == want {
				return
			} else if want == "READY=1" || msg != "WATCHDOG=1" {
				t.Fatalf("got %q, want %s", msg, want)
			}
		}
	}
	next("READY=1")
	next("WATCHDOG=1")
	next("WATCHDOG=1")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	next("STOPPING=1")
	if err := <-done; err != nil {
		t.Errorf("daemon exit: %v\n%s", err, errb.String())
	}
	log := errb.String()
	if i, j := strings.Index(log, "daemon started"), strings.Index(log, "systemd: ready"); i < 0 || j < i {
		t.Errorf("ready not said after the start:\n%s", log)
	}
}

// TestMakeInstall: make install under DESTDIR lays out the binary, the
// units for its PREFIX, the sysusers file, the schedules and jingles; the
// installed schedules check from the unit's WorkingDirectory (their jingle
// paths resolve there).
func TestMakeInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds loa through make")
	}
	mk, err := exec.LookPath("make")
	if err != nil {
		t.Skip("make not installed")
	}
	dest := t.TempDir()
	const prefix = "/opt/loa"
	cmd := exec.Command(mk, "-s", "-C", "../..", "install", "DESTDIR="+dest, "PREFIX="+prefix, "BIN="+filepath.Join(t.TempDir(), "loa"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	root := filepath.Join(dest, prefix)
	for path, want := range map[string]string{
		"lib/systemd/system/loa.service":          "ExecStart=" + prefix + "/bin/loa --data /var/lib/loa daemon --schedules " + prefix + "/share/loa/schedules",
		"lib/systemd/system/loa-backup.service":   prefix + "/bin/loa --data /var/lib/loa backup",
		"lib/systemd/system/loa-backup.timer":     "OnCalendar=",
		"lib/sysusers.d/loa.conf":                 "u loa ",
		"share/loa/schedules/cchc-hang-tuan.toml": "repeat_days = 3",
	} {
		b, err := os.ReadFile(filepath.Join(root, path))
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s: %v, want it to hold %q", path, err, want)
		}
	}
	bin := filepath.Join(root, "bin", "loa")
	if fi, err := os.Stat(bin); err != nil || fi.Mode().Perm() != 0o755 {
		t.Fatalf("installed binary: %v %v", fi, err)
	}
	check := exec.Command(bin, "--data", t.TempDir(), "schedule", "check", "--schedules", "schedules")
	check.Dir = filepath.Join(root, "share", "loa")
	if out, err := check.CombinedOutput(); err != nil || !strings.Contains(string(out), "ok  tong-hop-thang") {
		t.Errorf("installed schedules from the working directory: %v\n%s", err, out)
	}
}
