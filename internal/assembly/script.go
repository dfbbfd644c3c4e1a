package assembly

import "time"

// Script is queue.Script. TEMPORARY: a copy of the documented queue API
// until internal/queue lands; then this becomes `type Script = queue.Script`.
type Script struct {
	ID                                         int64
	Title, Topic, Area, Audience, Author, Body string
	AudioSHA256, AudioFormat                   string
	SampleRate, Channels                       int
	Frames                                     int64
	DurationS                                  float64
	LoudnessLUFS, TruePeakDBTP                 *float64
	Priority                                   string
	From, Until                                string
	MaxPlays                                   *int
	Status                                     string
	ApprovedBy                                 string
	ApprovedAt, CreatedAt                      time.Time
	Plays                                      int
	LastPlayed                                 time.Time
}
