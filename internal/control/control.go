package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"loa/internal/airlog"
	"loa/internal/inputerr"
)

// SocketFile is the control socket in the data directory.
const SocketFile = "control.sock"

// Version is the protocol version this loa speaks.
const Version = 1

// Operations.
const (
	OpAnnounce = "announce"
	OpStatus   = "status"
)

// Error codes of a response.
const (
	CodeInput    = "input"    // the request is wrong: the client's input error
	CodeVersion  = "version"  // another protocol version
	CodeInternal = "internal" // the daemon could not do it
)

// Request is one order to the daemon.
type Request struct {
	V        int              `json:"v"`
	Op       string           `json:"op"`
	Announce *AnnounceRequest `json:"announce,omitempty"`
}

// Response is the daemon's answer.
type Response struct {
	V        int            `json:"v"`
	OK       bool           `json:"ok"`
	Error    string         `json:"error,omitempty"`
	Code     string         `json:"code,omitempty"`
	Announce *AnnounceReply `json:"announce,omitempty"`
	Status   *Status        `json:"status,omitempty"`
}

// Levels of an announcement (Thông tư 39/2020/TT-BTTTT), as the airtime
// log records them.
const (
	LevelEmergency = airlog.LevelEmergency // khẩn cấp: on air at once, cutting what plays
	LevelPriority  = airlog.LevelPriority  // ưu tiên: after the item on air
)

// AnnounceRequest is an urgent announcement to put on air. Its audio is in
// the content store already (ingested and hashed by the client's side).
type AnnounceRequest struct {
	Level    string `json:"level"`
	SHA256   string `json:"sha256"`              // stored audio to play
	ScriptID int64  `json:"script_id,omitempty"` // when it is an approved script (--script)
	Title    string `json:"title"`
	Topic    string `json:"topic,omitempty"` // "" : counted apart from the plan's topics
	Repeat   int    `json:"repeat"`          // plays in all (1..10)
	// IntervalS is from the start of one play to the start of the next
	// (at least 10 s; a longer announcement follows at once).
	IntervalS float64 `json:"interval_s"`
	By        string  `json:"by"`  // who ordered it: for an emergency the order is the approval
	Now       bool    `json:"now"` // an emergency cuts an emergency on air instead of queueing behind it
}

// Safety caps of an announcement order.
const (
	MaxRepeat       = 10
	MinInterval     = 10 * time.Second
	DefaultInterval = 30 * time.Second
)

// Check validates an order and fills its defaults (emergency, one play,
// DefaultInterval); its errors are input errors naming the field. The
// client checks before storing anything, the daemon again.
func (r *AnnounceRequest) Check() error {
	switch r.Level {
	case "":
		r.Level = LevelEmergency
	case LevelEmergency, LevelPriority:
	default:
		return inputerr.Field("level", "invalid", "level: %q is not emergency or priority", r.Level)
	}
	if r.Repeat == 0 {
		r.Repeat = 1
	}
	if r.Repeat < 1 || r.Repeat > MaxRepeat {
		return inputerr.Field("repeat", "invalid", "repeat: %d is outside 1..%d", r.Repeat, MaxRepeat)
	}
	if r.IntervalS == 0 {
		r.IntervalS = DefaultInterval.Seconds()
	}
	if r.IntervalS < MinInterval.Seconds() || r.IntervalS > time.Hour.Seconds() {
		return inputerr.Field("interval", "invalid", "interval: %gs is outside %s..1h", r.IntervalS, MinInterval)
	}
	if strings.TrimSpace(r.By) == "" {
		return inputerr.Field("by", "required", "by: who orders the announcement is required")
	}
	return nil
}

// How an announcement went on air.
const (
	ModePreempted = "preempted" // cut the item on air
	ModeAfterItem = "after-item"
	ModeQueued    = "queued"     // behind an announcement on air
	ModeOwnRun    = "own-run"    // nothing on air: its own run
	ModeNextRun   = "next-run"   // priority: first in a programme starting within announce.priority_wait
	ModeSlotEnded = "slot-ended" // the interrupted programme's slot passed: it ends after the announcement
)

// AnnounceReply says where the announcement went.
type AnnounceReply struct {
	Mode      string    `json:"mode"`
	Programme string    `json:"programme"` // the run it plays in
	RunID     int64     `json:"run_id"`    // 0 until that run has opened (next-run)
	At        time.Time `json:"at"`        // when its first play is due (about)
}

// Status is what is on air now and next, and the outputs' health.
type Status struct {
	Now    time.Time `json:"now"`
	OnAir  []OnAir   `json:"on_air"`
	Next   []NextRun `json:"next"`
	Sinks  []Sink    `json:"sinks"`
	Alarms []string  `json:"alarms"`
}

// OnAir is a run playing now.
type OnAir struct {
	Programme string     `json:"programme"`
	Title     string     `json:"title"`
	RunID     int64      `json:"run_id"`
	Output    string     `json:"output"`
	StartedAt time.Time  `json:"started_at"`
	Item      *ItemOnAir `json:"item"` // nil between items
	Pending   int        `json:"pending_announcements"`
}

// ItemOnAir is the item playing now.
type ItemOnAir struct {
	Position   int     `json:"position"`
	Kind       string  `json:"kind"`
	ScriptID   int64   `json:"script_id,omitempty"`
	Title      string  `json:"title"`
	Level      string  `json:"level,omitempty"`
	OrderedBy  string  `json:"ordered_by,omitempty"`
	ElapsedS   float64 `json:"elapsed_s"`
	RemainingS float64 `json:"remaining_s"`
}

// NextRun is a scheduled run to come.
type NextRun struct {
	Programme string    `json:"programme"`
	Title     string    `json:"title"`
	At        time.Time `json:"at"`
	Output    string    `json:"output"`
}

// Sink is one output's health.
type Sink struct {
	Output string `json:"output"`
	OK     bool   `json:"ok"`
	Error  string `json:"error,omitempty"`
}

// Handler does what the requests ask (the daemon).
type Handler interface {
	Announce(ctx context.Context, r AnnounceRequest) (AnnounceReply, error)
	Status(ctx context.Context) (Status, error)
}

// Listen makes the control socket in dataDir (0600), replacing one left by
// a daemon that died (the caller holds the data directory lock, so no
// other daemon serves it).
func Listen(dataDir string) (net.Listener, error) {
	path := filepath.Join(dataDir, SocketFile)
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	return ln, nil
}

// Serve answers requests on ln until ctx is done (then it closes ln).
func Serve(ctx context.Context, ln net.Listener, h Handler, log *slog.Logger) error {
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("control socket: %w", err)
		}
		go serveConn(ctx, c, h, log)
	}
}

const ioTimeout = 30 * time.Second

func serveConn(ctx context.Context, c net.Conn, h Handler, log *slog.Logger) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(ioTimeout))
	var req Request
	resp := Response{V: Version}
	if err := json.NewDecoder(bufio.NewReader(c)).Decode(&req); err != nil {
		resp.Error, resp.Code = "bad request: "+err.Error(), CodeInput
	} else {
		resp = handle(ctx, req, h)
	}
	if !resp.OK && resp.Code != CodeInput {
		log.Warn("control request failed", "op", req.Op, "err", resp.Error)
	}
	json.NewEncoder(c).Encode(resp)
}

func handle(ctx context.Context, req Request, h Handler) Response {
	resp := Response{V: Version}
	fail := func(err error) Response {
		resp.Error, resp.Code = err.Error(), CodeInternal
		if inputerr.Is(err) {
			resp.Code = CodeInput
		}
		return resp
	}
	if req.V != Version {
		resp.Error, resp.Code = fmt.Sprintf("protocol version %d, this daemon speaks %d: use the same loa for both", req.V, Version), CodeVersion
		return resp
	}
	switch req.Op {
	case OpAnnounce:
		if req.Announce == nil {
			return fail(inputerr.New("announce: no announcement in the request"))
		}
		r, err := h.Announce(ctx, *req.Announce)
		if err != nil {
			return fail(err)
		}
		resp.Announce = &r
	case OpStatus:
		s, err := h.Status(ctx)
		if err != nil {
			return fail(err)
		}
		resp.Status = &s
	default:
		return fail(inputerr.New("unknown operation %q", req.Op))
	}
	resp.OK = true
	return resp
}

// ErrNoDaemon means no daemon answers on the data directory's socket.
var ErrNoDaemon = errors.New("no loa daemon is running on this data directory")

// Client talks to the daemon of one data directory.
type Client struct {
	DataDir string
}

// Announce asks the daemon to put an announcement on air.
func (c Client) Announce(ctx context.Context, r AnnounceRequest) (AnnounceReply, error) {
	resp, err := c.do(ctx, Request{Op: OpAnnounce, Announce: &r})
	if err != nil {
		return AnnounceReply{}, err
	}
	if resp.Announce == nil {
		return AnnounceReply{}, errors.New("control: empty announce reply")
	}
	return *resp.Announce, nil
}

// Status asks the daemon what is on air.
func (c Client) Status(ctx context.Context) (Status, error) {
	resp, err := c.do(ctx, Request{Op: OpStatus})
	if err != nil {
		return Status{}, err
	}
	if resp.Status == nil {
		return Status{}, errors.New("control: empty status reply")
	}
	return *resp.Status, nil
}

func (c Client) do(ctx context.Context, req Request) (Response, error) {
	req.V = Version
	path := filepath.Join(c.DataDir, SocketFile)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT) {
			return Response{}, fmt.Errorf("%w (%s): start it with 'loa daemon' (or 'systemctl start loa')", ErrNoDaemon, c.DataDir)
		}
		return Response{}, fmt.Errorf("control socket %s: %w", path, err)
	}
	defer conn.Close()
	dl := time.Now().Add(ioTimeout)
	if t, ok := ctx.Deadline(); ok && t.Before(dl) {
		dl = t
	}
	conn.SetDeadline(dl)
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		return Response{}, fmt.Errorf("control socket %s: %w", path, err)
	}
	var resp Response
	if err := json.NewDecoder(bufio.NewReader(conn)).Decode(&resp); err != nil {
		return Response{}, fmt.Errorf("control socket %s: no answer: %w", path, err)
	}
	if !resp.OK {
		if resp.Code == CodeInput {
			return resp, inputerr.New("%s", resp.Error)
		}
		return resp, fmt.Errorf("daemon: %s", resp.Error)
	}
	return resp, nil
}
