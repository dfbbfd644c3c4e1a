package main

import (
	"context"
	"fmt"
	"time"

	"loa/internal/control"
	"loa/internal/database"
	"loa/internal/inputerr"
	"loa/internal/station"
)

// runAnnounce puts an urgent announcement on air through the running
// daemon: a recording (stored like a script's audio) or an approved script.
func (e *Env) runAnnounce(ctx context.Context, args []string) error {
	fs := e.newFlagSet("announce", "loa announce (FILE | --script ID) [--level emergency|priority] [--repeat N] [--interval D] [--by NAME] [--title T] [--topic CODE] [--now]")
	script := fs.Int64("script", 0, "announce this approved script instead of a file")
	level := fs.String("level", control.LevelEmergency, "emergency (khẩn cấp: at once, cutting what plays) or priority (ưu tiên: after the item on air)")
	repeat := fs.Int("repeat", 1, fmt.Sprintf("plays in all, 1..%d", control.MaxRepeat))
	interval := fs.Duration("interval", control.DefaultInterval, fmt.Sprintf("from the start of one play to the next, at least %s", control.MinInterval))
	by := fs.String("by", "", "who orders it: for an emergency the order is the approval (default $USER)")
	title := fs.String("title", "", "title in the log (default: the file's name or the script's title)")
	topic := fs.String("topic", "", "a plan topic, if the announcement belongs to one (else it is counted apart)")
	now := fs.Bool("now", false, "an emergency cuts an emergency on air instead of queueing behind it")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	o := station.AnnounceOrder{ScriptID: *script, Title: *title, Topic: *topic, Level: *level, Repeat: *repeat,
		Interval: *interval, Now: *now}
	switch {
	case *script != 0 && len(pos) == 0:
	case *script == 0 && len(pos) == 1:
		fh, up, err := openUpload("announce", pos[0])
		if err != nil {
			return err
		}
		defer fh.Close()
		o.Audio = up
	default:
		return inputerr.New("announce: give one FILE or --script ID")
	}
	st, err := e.OpenStation(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.Announce(ctx, station.Local(actor(*by)), o)
	if err != nil {
		return err
	}
	what := map[string]string{
		control.ModePreempted: "đang phát: đã ngắt mục đang phát của chương trình",
		control.ModeSlotEnded: "đang phát: đã ngắt chương trình (hết giờ của chương trình, không phát tiếp)",
		control.ModeAfterItem: "sẽ phát ngay sau mục đang phát của chương trình",
		control.ModeQueued:    "xếp sau thông báo đang phát trong chương trình",
		control.ModeOwnRun:    "đang phát thành lượt riêng",
		control.ModeNextRun:   "sẽ phát đầu chương trình",
	}[rep.Mode]
	fmt.Fprintf(e.Stdout, "Thông báo %s: %s %s (%s).\n", levelLabel(o.Level), what, rep.Programme,
		rep.At.In(st.Location()).Format(database.ShowClock))
	return nil
}

func levelLabel(level string) string {
	if level == control.LevelPriority {
		return "ưu tiên"
	}
	return "khẩn cấp"
}

// runStatus asks the running daemon what is on air.
func (e *Env) runStatus(ctx context.Context, args []string) error {
	fs := e.newFlagSet("status", "loa status [--json]")
	asJSON := fs.Bool("json", false, "print the daemon's status as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "status"); err != nil {
		return err
	}
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, statusTimeout)
	defer cancel()
	st, err := control.Client{DataDir: e.DataDir}.Status(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.Stdout, st)
	}
	loc := cfg.Location()
	w := e.Stdout
	if len(st.OnAir) == 0 {
		fmt.Fprintln(w, "Đang phát: không có.")
	}
	for _, oa := range st.OnAir {
		fmt.Fprintf(w, "Đang phát: %s (%s), lượt %d, đầu ra %s, từ %s\n", oa.Title, oa.Programme, oa.RunID, oa.Output,
			oa.StartedAt.In(loc).Format(database.ShowClock))
		if it := oa.Item; it != nil {
			lv := ""
			if it.Level != "" {
				lv = fmt.Sprintf(" [%s, %s]", levelLabel(it.Level), it.OrderedBy)
			}
			fmt.Fprintf(w, "  mục %d: %s %q%s — đã phát %s, còn %s\n", it.Position+1, kindLabel(it.Kind), it.Title, lv,
				mmss(it.ElapsedS), mmss(it.RemainingS))
		}
		if oa.Pending > 0 {
			fmt.Fprintf(w, "  %d thông báo đang chờ\n", oa.Pending)
		}
	}
	for _, n := range st.Next {
		fmt.Fprintf(w, "Sắp phát: %s (%s) lúc %s\n", n.Title, n.Programme, n.At.In(loc).Format(database.DateFormat+" "+database.ShowMinute))
	}
	for _, s := range st.Sinks {
		state := "tốt"
		if !s.OK {
			state = "LỖI: " + s.Error
		}
		fmt.Fprintf(w, "Đầu ra %s: %s\n", s.Output, state)
	}
	for _, a := range st.Alarms {
		fmt.Fprintf(w, "BÁO ĐỘNG: %s\n", a)
	}
	return nil
}

// statusTimeout bounds a status request (a hung daemon must not hang it).
const statusTimeout = 10 * time.Second
