# loa — build, test and demo. `make demo` and `make test` work on a fresh
# Debian machine with Go: missing system packages are installed with apt-get
# when run as root; otherwise the exact command is printed and make stops.

GO       ?= go
BIN      := bin/loa
DEMO     ?= var/demo

# Needed to build loa (cgo: SQLite, ALSA through oto).
BUILD_PKGS := gcc pkg-config libasound2-dev
# Test-time references only, never runtime dependencies of loa: ffmpeg for
# decoded lengths and loudness, poppler-utils to read the report PDF back,
# lame/sox/espeak-ng to make audio fixtures, alsa-utils for the ALSA path,
# LibreOffice (with the Liberation fonts) to convert the report DOCX to PDF,
# systemd for systemd-analyze verify of the units.
TEST_PKGS  := ffmpeg poppler-utils lame sox espeak-ng alsa-utils libreoffice-writer-nogui fonts-liberation2 systemd chromium

.PHONY: all build test demo run bench fuzz vet deps deps-test install clean

all: build

define ensure_pkgs
	@missing=""; for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "loa needs these Debian packages:$$missing"; \
			echo "run:  sudo apt-get install -y$$missing"; \
			exit 1; \
		fi; \
	fi
endef

deps:
	$(call ensure_pkgs,$(BUILD_PKGS))

deps-test: deps
	$(call ensure_pkgs,$(TEST_PKGS))

build: deps
	$(GO) build -o $(BIN) ./cmd/loa

# staticcheck pinned (run through the module proxy, nothing installed).
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

vet:
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@test -z "$$(gofmt -l cmd internal)" || { gofmt -l cmd internal; echo "gofmt needed"; exit 1; }

test: deps-test vet
	$(GO) test ./...

# The main job on the embedded defaults: a fresh data directory, the demo
# scripts queued and approved, one programme played (sound card if one
# opens, else WAV air-check files), the airtime log and the report.
demo: build
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	@echo "== queue and approve the demo scripts (audio/demo)"
	@grep -v '^#' audio/demo/scripts.tsv | tr '\t' '|' | while IFS='|' read -r file topic area priority title; do \
		added=$$($(BIN) --data $(DEMO) script add --json --title "$$title" --topic "$$topic" --area "$$area" \
			--priority "$$priority" --author "Công chức Văn hóa – Xã hội" \
			--audio "audio/demo/$$file.mp3" --text "audio/demo/$$file.txt" --by "Cán bộ VHTT") || exit 1; \
		id=$$(echo "$$added" | sed -n 's/^  "id": \([0-9]*\),$$/\1/p'); \
		sum=$$(echo "$$added" | sed -n 's/^  "sha256": "\([0-9a-f]*\)",$$/\1/p'); \
		$(BIN) --data $(DEMO) script approve $$id --by "Nguyễn Văn An" --sha256 "$$sum" --note "Đồng ý phát" >/dev/null || exit 1; \
	done
	@$(BIN) --data $(DEMO) script list
	@echo
	@if $(BIN) --data $(DEMO) play --output alsa audio/jingles/ident.mp3 >/dev/null 2>&1; then \
		out="alsa+wav:$(DEMO)/aircheck"; echo "== sound card found: playing on it, recording to $(DEMO)/aircheck"; \
	else \
		out="wav:$(DEMO)/aircheck"; echo "== no sound card opens here: playing to WAV air-check files in $(DEMO)/aircheck"; \
	fi; \
	$(BIN) --data $(DEMO) daemon --schedules audio/demo/schedules --output "$$out" --once demo
	@echo
	@echo "== airtime log"
	@$(BIN) --data $(DEMO) log
	@echo
	@ls -1 $(DEMO)/aircheck/*.wav | sed 's/^/air-check recording: /'
	@period=$$(TZ=Asia/Ho_Chi_Minh date +%Y-%m); \
	$(BIN) --data $(DEMO) report --period $$period --format pdf --out $(DEMO)/bao-cao-$$period.pdf && \
	$(BIN) --data $(DEMO) report --period $$period --format csv --out $(DEMO)/bao-cao-$$period.csv

# The station: the daemon on the shipped schedules and the configured output.
run: build
	$(BIN) daemon --schedules schedules

# Install as a system service (README "As a system service"): the binary,
# the systemd units and sysusers file (printed by the binary, for PREFIX),
# the shipped schedules and jingles (the service's working directory).
# DESTDIR stages the tree for a package.
PREFIX  ?= /usr/local
DESTDIR ?=
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
SHAREDIR    := $(PREFIX)/share/loa

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(SHAREDIR)/schedules $(DESTDIR)$(SHAREDIR)/audio/jingles
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/loa
	for u in loa.service loa-backup.service loa-backup.timer; do \
		$(BIN) service unit --prefix $(PREFIX) $$u > $(DESTDIR)$(UNITDIR)/$$u.tmp && \
		mv $(DESTDIR)$(UNITDIR)/$$u.tmp $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	$(BIN) service unit --prefix $(PREFIX) loa.sysusers > $(DESTDIR)$(SYSUSERSDIR)/loa.conf.tmp
	mv $(DESTDIR)$(SYSUSERSDIR)/loa.conf.tmp $(DESTDIR)$(SYSUSERSDIR)/loa.conf
	install -m 0644 schedules/*.toml schedules/README.md $(DESTDIR)$(SHAREDIR)/schedules/
	install -m 0644 audio/jingles/*.mp3 $(DESTDIR)$(SHAREDIR)/audio/jingles/
	@echo "installed under $(DESTDIR)$(PREFIX); then: systemd-sysusers && systemctl daemon-reload && systemctl enable --now loa loa-backup.timer"

# Benchmarks, and loa against ffmpeg on the same generated input (decode,
# loudness: the ratio is printed), then the daemon's start-time error and
# idle cost measured on the real binary (about a minute each part).
bench: build deps-test
	$(GO) test -run '^$$' -bench . -benchtime 1x ./internal/audio/...
	$(GO) run ./internal/audio/benchcmp
	$(GO) test -run '^$$' -bench . -benchmem ./internal/queue ./internal/simulate
	$(GO) test -run '^$$' -bench . -benchtime 2x ./internal/report
	LOA_MEASURE=1 $(GO) test -count=1 -run DaemonMeasure -v ./cmd/loa | grep -E 'start error|idle|PASS|FAIL'
	LOA_BENCH=1 $(GO) test -count=1 -timeout 40m -run TestLoad -v ./internal/web | grep -E 'p95|clients|generated|PASS|FAIL'
	LOA_BENCH=1 $(GO) test -count=1 -run TestServeUploadMemory -v ./cmd/loa | grep -E 'RSS|PASS|FAIL'

# A short fuzzing pass over every fuzz target (the corpus lives in testdata/fuzz).
FUZZTIME ?= 20s
fuzz: deps-test
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 1x $$pkg || exit 1; \
		done; \
	done

clean:
	rm -rf bin var
