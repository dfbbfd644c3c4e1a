// Package queue is the station's queue of propaganda scripts: what operators
// submit, what the chairman approves or rejects, and which approved scripts
// are eligible for air. Nothing reaches the air unless this package says it
// is approved — and an approval holds only for the exact audio and text that
// were approved.
package queue

import (
	"loa/internal/database"
	"loa/internal/tts"
)

// Status values of a script.
const (
	Submitted = "submitted"
	Approved  = "approved"
	Rejected  = "rejected"
	Retired   = "retired"
)

// Script is one propaganda script (bài tuyên truyền) with its audio.
type Script struct {
	ID           int64    `json:"id"`
	Title        string   `json:"title"`
	Topic        string   `json:"topic"`
	Area         string   `json:"area"`
	Audience     string   `json:"audience"`
	Author       string   `json:"author"`
	Status       string   `json:"status"`
	Priority     string   `json:"priority"`
	DurationS    float64  `json:"duration_s"`
	AudioSHA256  string   `json:"sha256"`
	SampleRate   int      `json:"sample_rate"`
	Channels     int      `json:"channels"`
	From         string   `json:"from"`  // local date, inclusive; "" for open
	Until        string   `json:"until"` // local date, inclusive; "" for open
	MaxPlays     *int     `json:"max_plays"`
	ApprovedBy   string   `json:"approved_by"`
	ApprovedAt   JSONTime `json:"approved_at"`
	CreatedAt    JSONTime `json:"created_at"`
	AudioFormat  string   `json:"format"`
	Frames       int64    `json:"frames"`
	LoudnessLUFS *float64 `json:"loudness_lufs"`
	TruePeakDBTP *float64 `json:"true_peak_dbtp"`
	// Level is how the audio is gained in the station chain, as found at
	// ingest (nil: not known, found before air).
	Level      *Level   `json:"level,omitempty"`
	Body       string   `json:"text,omitempty"`
	TextSHA256 string   `json:"text_sha256,omitempty"`
	NeedsAudio bool     `json:"needs_audio"`
	Plays      int      `json:"plays"`       // real broadcasts, from the airtime log
	LastPlayed JSONTime `json:"last_played"` // zero when never aired
	// Voice is what spoke the audio when it was made from the text (loa
	// script add --tts); nil for a recording.
	Voice *tts.Voice `json:"voice,omitempty"`

	approvedAudio, approvedText string
}

// InWindow reports whether the local date (YYYY-MM-DD) is inside the
// script's air window.
func (s *Script) InWindow(localDate string) bool {
	return (s.From == "" || localDate >= s.From) && (s.Until == "" || localDate <= s.Until)
}

// UnderMaxPlays reports whether the script may air once more.
func (s *Script) UnderMaxPlays() bool { return s.MaxPlays == nil || s.Plays < *s.MaxPlays }

// ApprovalHolds reports whether the script is approved and its current
// audio and text are those the approver saw.
func (s *Script) ApprovalHolds() bool {
	return s.Status == Approved && s.AudioSHA256 == s.approvedAudio && s.TextSHA256 == s.approvedText
}

// Event is one entry of a script's audit trail.
type Event struct {
	At     JSONTime `json:"at"`
	Actor  string   `json:"actor"`
	From   string   `json:"from"`
	To     string   `json:"to"`
	Note   string   `json:"note"`
	Script int64    `json:"script_id"`
}

// JSONTime is an instant shown in JSON in its own zone (the queue reads
// times in the station's zone), null when zero: database.JSONTime.
type JSONTime = database.JSONTime
