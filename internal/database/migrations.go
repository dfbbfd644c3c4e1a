package database

// migrations is the ordered schema history. Entry i takes a database from
// version i to i+1. Never edit an entry that has shipped: append a new one.
var migrations = []string{
	// 1: the script queue and its audit trail.
	`
CREATE TABLE scripts (
	id            INTEGER PRIMARY KEY,
	title         TEXT NOT NULL CHECK (title <> ''),
	topic         TEXT NOT NULL,
	area          TEXT NOT NULL DEFAULT '',
	audience      TEXT NOT NULL DEFAULT 'nguoi-dan',
	author        TEXT NOT NULL DEFAULT '',
	body          TEXT NOT NULL DEFAULT '',
	text_sha256   TEXT NOT NULL DEFAULT '',
	audio_sha256  TEXT NOT NULL DEFAULT '',
	audio_format  TEXT NOT NULL DEFAULT '',
	sample_rate   INTEGER NOT NULL DEFAULT 0,
	channels      INTEGER NOT NULL DEFAULT 0,
	frames        INTEGER NOT NULL DEFAULT 0,
	duration_s    REAL NOT NULL DEFAULT 0,
	priority      TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal','priority','emergency')),
	air_from      TEXT NOT NULL DEFAULT '',
	air_until     TEXT NOT NULL DEFAULT '',
	max_plays     INTEGER,
	status        TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted','approved','rejected','retired')),
	approved_by   TEXT NOT NULL DEFAULT '',
	approved_at   TEXT NOT NULL DEFAULT '',
	approved_audio_sha256 TEXT NOT NULL DEFAULT '',
	approved_text_sha256  TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);
CREATE INDEX scripts_status ON scripts (status, id);

CREATE TABLE script_events (
	id          INTEGER PRIMARY KEY,
	script_id   INTEGER NOT NULL REFERENCES scripts (id),
	at          TEXT NOT NULL,
	actor       TEXT NOT NULL DEFAULT '',
	from_status TEXT NOT NULL DEFAULT '',
	to_status   TEXT NOT NULL,
	note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX script_events_script ON script_events (script_id, id);
CREATE TRIGGER script_events_no_update BEFORE UPDATE ON script_events
BEGIN SELECT RAISE(ABORT, 'script_events is append-only'); END;
CREATE TRIGGER script_events_no_delete BEFORE DELETE ON script_events
BEGIN SELECT RAISE(ABORT, 'script_events is append-only'); END;
`,
	// 2: loudness measured at ingest (BS.1770), applied at playout.
	`
ALTER TABLE scripts ADD COLUMN loudness_lufs REAL;
ALTER TABLE scripts ADD COLUMN true_peak_dbtp REAL;
`,
	// 3: the airtime log. Rows are inserted open (status NULL) and closed
	// once; a closed row never changes, and nothing is ever deleted. Titles
	// and codes are copied at air time so that later edits of a script do
	// not change what the report says was broadcast.
	`
CREATE TABLE air_runs (
	id             INTEGER PRIMARY KEY,
	programme      TEXT NOT NULL,
	title          TEXT NOT NULL DEFAULT '',
	output         TEXT NOT NULL DEFAULT '',
	scheduled_at   TEXT NOT NULL,
	started_at     TEXT,
	ended_at       TEXT,
	status         TEXT CHECK (status IS NULL OR status IN ('completed','partial','missed','empty')),
	reason         TEXT NOT NULL DEFAULT '',
	start_error_ms REAL,
	simulated      INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0,1)),
	UNIQUE (programme, scheduled_at, simulated)
);
CREATE INDEX air_runs_scheduled ON air_runs (scheduled_at);
CREATE INDEX air_runs_open ON air_runs (id) WHERE status IS NULL;

CREATE TABLE air_items (
	id            INTEGER PRIMARY KEY,
	run_id        INTEGER NOT NULL REFERENCES air_runs (id),
	position      INTEGER NOT NULL,
	kind          TEXT NOT NULL CHECK (kind IN ('script','jingle','filler')),
	script_id     INTEGER REFERENCES scripts (id),
	title         TEXT NOT NULL DEFAULT '',
	topic         TEXT NOT NULL DEFAULT '',
	area          TEXT NOT NULL DEFAULT '',
	audience      TEXT NOT NULL DEFAULT '',
	audio_sha256  TEXT NOT NULL DEFAULT '',
	scheduled_at  TEXT NOT NULL,
	started_at    TEXT NOT NULL,
	ended_at      TEXT,
	progress_s    REAL NOT NULL DEFAULT 0,
	seconds       REAL,
	status        TEXT CHECK (status IS NULL OR status IN ('aired','partial','failed')),
	error         TEXT NOT NULL DEFAULT '',
	simulated     INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0,1)),
	UNIQUE (run_id, position)
);
CREATE INDEX air_items_started ON air_items (started_at);
CREATE INDEX air_items_script ON air_items (script_id, started_at);
CREATE INDEX air_items_open ON air_items (id) WHERE status IS NULL;

CREATE TRIGGER air_runs_no_delete BEFORE DELETE ON air_runs
BEGIN SELECT RAISE(ABORT, 'air_runs is append-only'); END;
CREATE TRIGGER air_items_no_delete BEFORE DELETE ON air_items
BEGIN SELECT RAISE(ABORT, 'air_items is append-only'); END;
CREATE TRIGGER air_runs_closed BEFORE UPDATE ON air_runs WHEN OLD.status IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'air_runs row is closed'); END;
CREATE TRIGGER air_items_closed BEFORE UPDATE ON air_items WHEN OLD.status IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'air_items row is closed'); END;
`,
	// 4: report indexes. The first lets the report group a period's items
	// by kind, status, topic, area and audience from the index alone, in
	// index order (no sort of a million rows); the second sums broadcasts
	// per local month and lists them in time order.
	`
CREATE INDEX air_items_report_group ON air_items (kind, status, simulated, topic, area, audience, started_at, seconds);
CREATE INDEX air_items_report_time ON air_items (started_at, seconds) WHERE kind = 'script' AND status IN ('aired', 'partial');
`,
	// 5: console users, their API tokens and sessions (package users). Only
	// hashes of tokens and session ids are stored.
	`
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL UNIQUE,
	role          TEXT NOT NULL CHECK (role IN ('quan-tri','bien-tap','phe-duyet','xem')),
	password_hash TEXT NOT NULL DEFAULT '',
	disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);
CREATE TABLE user_tokens (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	hash       TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	revoked_at TEXT
);
CREATE TABLE sessions (
	hash       TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	revoked_at TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX user_tokens_user ON user_tokens (user_id);
`,
	// 6: checks at the instant of air and urgent announcements. An item
	// refused at its boundary is logged 'skipped' with a reason code; a
	// run whose output could not be opened is 'failed'; announcements are
	// items of kind 'announcement' with their level and who ordered them.
	// SQLite cannot alter a CHECK: both tables are rebuilt (DROP TABLE
	// fires no DELETE trigger; the triggers and indexes are made again).
	// air_items_new refers to air_runs_new, so air_runs has no child when
	// dropped; renaming air_runs_new rewrites that reference (SQLite >= 3.26).
	`
CREATE TABLE air_runs_new (
	id             INTEGER PRIMARY KEY,
	programme      TEXT NOT NULL,
	title          TEXT NOT NULL DEFAULT '',
	output         TEXT NOT NULL DEFAULT '',
	scheduled_at   TEXT NOT NULL,
	started_at     TEXT,
	ended_at       TEXT,
	status         TEXT CHECK (status IS NULL OR status IN ('completed','partial','missed','empty','failed')),
	reason         TEXT NOT NULL DEFAULT '',
	start_error_ms REAL,
	simulated      INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0,1)),
	UNIQUE (programme, scheduled_at, simulated)
);
INSERT INTO air_runs_new (id, programme, title, output, scheduled_at, started_at, ended_at, status, reason, start_error_ms, simulated)
	SELECT id, programme, title, output, scheduled_at, started_at, ended_at, status, reason, start_error_ms, simulated FROM air_runs;
CREATE TABLE air_items_new (
	id            INTEGER PRIMARY KEY,
	run_id        INTEGER NOT NULL REFERENCES air_runs_new (id),
	position      INTEGER NOT NULL,
	kind          TEXT NOT NULL CHECK (kind IN ('script','jingle','filler','announcement')),
	script_id     INTEGER REFERENCES scripts (id),
	title         TEXT NOT NULL DEFAULT '',
	topic         TEXT NOT NULL DEFAULT '',
	area          TEXT NOT NULL DEFAULT '',
	audience      TEXT NOT NULL DEFAULT '',
	audio_sha256  TEXT NOT NULL DEFAULT '',
	scheduled_at  TEXT NOT NULL,
	started_at    TEXT NOT NULL,
	ended_at      TEXT,
	progress_s    REAL NOT NULL DEFAULT 0,
	seconds       REAL,
	status        TEXT CHECK (status IS NULL OR status IN ('aired','partial','failed','skipped')),
	error         TEXT NOT NULL DEFAULT '',
	simulated     INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0,1)),
	reason        TEXT NOT NULL DEFAULT '',
	level         TEXT NOT NULL DEFAULT '' CHECK (level IN ('','priority','emergency')),
	ordered_by    TEXT NOT NULL DEFAULT '',
	UNIQUE (run_id, position)
);
INSERT INTO air_items_new (id, run_id, position, kind, script_id, title, topic, area, audience, audio_sha256,
		scheduled_at, started_at, ended_at, progress_s, seconds, status, error, simulated)
	SELECT id, run_id, position, kind, script_id, title, topic, area, audience, audio_sha256,
		scheduled_at, started_at, ended_at, progress_s, seconds, status, error, simulated FROM air_items;
DROP TABLE air_items;
DROP TABLE air_runs;
ALTER TABLE air_runs_new RENAME TO air_runs;
ALTER TABLE air_items_new RENAME TO air_items;

CREATE INDEX air_runs_scheduled ON air_runs (scheduled_at);
CREATE INDEX air_runs_open ON air_runs (id) WHERE status IS NULL;
CREATE INDEX air_items_started ON air_items (started_at);
CREATE INDEX air_items_script ON air_items (script_id, started_at);
CREATE INDEX air_items_open ON air_items (id) WHERE status IS NULL;
CREATE INDEX air_items_report_group ON air_items (kind, status, simulated, topic, area, audience, started_at, seconds);
CREATE INDEX air_items_report_time ON air_items (started_at, seconds) WHERE kind = 'script' AND status IN ('aired', 'partial');

CREATE TRIGGER air_runs_no_delete BEFORE DELETE ON air_runs
BEGIN SELECT RAISE(ABORT, 'air_runs is append-only'); END;
CREATE TRIGGER air_items_no_delete BEFORE DELETE ON air_items
BEGIN SELECT RAISE(ABORT, 'air_items is append-only'); END;
CREATE TRIGGER air_runs_closed BEFORE UPDATE ON air_runs WHEN OLD.status IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'air_runs row is closed'); END;
CREATE TRIGGER air_items_closed BEFORE UPDATE ON air_items WHEN OLD.status IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'air_items row is closed'); END;
`,
	// 7: scripts spoken from their text (package tts): the engine, voice
	// and normaliser version that made the audio; empty for recordings.
	`ALTER TABLE scripts ADD COLUMN tts_engine TEXT NOT NULL DEFAULT '';
ALTER TABLE scripts ADD COLUMN tts_voice TEXT NOT NULL DEFAULT '';
ALTER TABLE scripts ADD COLUMN tts_normalizer TEXT NOT NULL DEFAULT '';
`,
	// 8: how the audio is gained in the station chain (audio.Level as
	// JSON), found at ingest so playout need not find it before air;
	// empty when not known.
	`ALTER TABLE scripts ADD COLUMN audio_level TEXT NOT NULL DEFAULT '';
`,
	// 9: topic airtime of a period (the forecaster's balance, the console's
	// coverage) by time range over real broadcasts only, instead of a scan
	// of every script item in air_items_report_group.
	`
CREATE INDEX air_items_topic_time ON air_items (started_at, topic, seconds)
	WHERE kind = 'script' AND status IN ('aired','partial') AND simulated = 0;
`,
}
