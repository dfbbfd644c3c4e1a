package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"
	"golang.org/x/text/unicode/norm"

	"loa/internal/database"
	"loa/internal/inputerr"
	"loa/internal/queue"
	"loa/internal/report"
	"loa/internal/station"
	"loa/internal/taxonomy"
)

const scriptUsage = `Usage: loa script <subcommand> [flags]

Subcommands:
  add       queue a new script (audio and/or text)
  list      list scripts
  show      show one script
  approve   approve a script's current audio and text (chairman)
  reject    reject a script, with a reason
  edit      change a script; new audio or text voids an approval
  retire    take a script out of use
  history   show a script's audit trail

Run 'loa script <subcommand> --help' for its flags.
`

func (e *Env) runScript(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "help" {
		fmt.Fprint(e.Stderr, scriptUsage)
		if len(args) == 0 {
			return inputerr.New("script: subcommand required")
		}
		return nil
	}
	subs := map[string]func(context.Context, []string) error{
		"add": e.scriptAdd, "list": e.scriptList, "show": e.scriptShow, "approve": e.scriptApprove,
		"reject": e.scriptReject, "edit": e.scriptEdit, "retire": e.scriptRetire, "history": e.scriptHistory,
	}
	run, ok := subs[args[0]]
	if !ok {
		return inputerr.New("script: unknown subcommand %q (see 'loa script --help')", args[0])
	}
	return run(ctx, args[1:])
}

// fieldFlags registers the flags shared by add and edit; only flags given on
// the command line end up in Fields.
type fieldFlags struct {
	fs     *flag.FlagSet
	values map[string]*string
	max    *int
}

func newFieldFlags(fs *flag.FlagSet) *fieldFlags {
	ff := &fieldFlags{fs: fs, values: map[string]*string{}}
	for _, f := range []struct{ name, usage string }{
		{"title", "title (Vietnamese)"},
		{"topic", "topic code: " + strings.Join(taxonomy.Codes(taxonomy.Topics()), ", ")},
		{"area", "reform area code: " + strings.Join(taxonomy.Codes(taxonomy.Areas()), ", ")},
		{"audience", "audience code: " + strings.Join(taxonomy.Codes(taxonomy.Audiences()), ", ") + " (default nguoi-dan)"},
		{"author", "author's name or office"},
		{"audio", "audio FILE (MP3, WAV, FLAC, OGG; M4A/AAC, AMR, Opus, 3GP, WMA through ffmpeg), copied into the store"},
		{"text", "text FILE (UTF-8): the script's text"},
		{"priority", "normal, priority or emergency (default normal)"},
		{"from", "first day it may air, YYYY-MM-DD (local)"},
		{"until", "last day it may air, YYYY-MM-DD (local)"},
	} {
		ff.values[f.name] = fs.String(f.name, "", f.usage)
	}
	ff.max = fs.Int("max-plays", 0, "air at most N times (0: no limit)")
	return ff
}

// fields returns the flags given, with the --audio and --text files opened;
// close closes them.
func (ff *fieldFlags) fields() (f queue.Fields, close func(), err error) {
	set := map[string]bool{}
	ff.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	get := func(name string) *string {
		if !set[name] {
			return nil
		}
		return ff.values[name]
	}
	f = queue.Fields{
		Title: get("title"), Topic: get("topic"), Area: get("area"), Audience: get("audience"),
		Author: get("author"), Priority: get("priority"), From: get("from"), Until: get("until"),
	}
	if set["max-plays"] {
		f.MaxPlays = ff.max
	}
	var files []*os.File
	close = func() {
		for _, fh := range files {
			fh.Close()
		}
	}
	for _, u := range []struct {
		flag string
		dst  **queue.Upload
	}{{"audio", &f.Audio}, {"text", &f.Text}} {
		p := get(u.flag)
		if p == nil {
			continue
		}
		fh, up, err := openUpload(u.flag, *p)
		if err != nil {
			close()
			return queue.Fields{}, nil, err
		}
		files = append(files, fh)
		*u.dst = up
	}
	return f, close, nil
}

// openUpload opens the file given to --audio or --text for the queue.
func openUpload(field, path string) (*os.File, *queue.Upload, error) {
	fh, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, nil, inputerr.New("%s %s: %v", field, path, err)
	}
	fi, err := fh.Stat()
	if err == nil && fi.IsDir() {
		err = errors.New("is a directory")
	}
	if err != nil {
		fh.Close()
		return nil, nil, inputerr.New("%s %s: %v", field, path, err)
	}
	return fh, &queue.Upload{Name: path, R: fh, Size: fi.Size()}, nil
}

// warn prints what the queue says an officer should know about a script it
// accepted.
func (e *Env) warn(ws []queue.Warning) {
	for _, w := range ws {
		fmt.Fprintf(e.Stderr, "loa: cảnh báo (warning): %s\n", w.Message)
	}
}

func (e *Env) scriptAdd(ctx context.Context, args []string) error {
	fs := e.newFlagSet("script add", "loa script add --title T --topic CODE [--area CODE] [--audience CODE] [--author NAME]\n"+
		"                      [--audio FILE] [--text FILE [--tts]] [--priority normal|priority|emergency]\n"+
		"                      [--from YYYY-MM-DD] [--until YYYY-MM-DD] [--max-plays N] [--json]")
	ff := newFieldFlags(fs)
	asJSON := fs.Bool("json", false, "print the new script as JSON")
	by := fs.String("by", "", "who queues it (default $USER)")
	speak := fs.Bool("tts", false, "make the audio by reading --text aloud with the station's engine ([tts] in loa.toml)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "script add"); err != nil {
		return err
	}
	f, closeFiles, err := ff.fields()
	if err != nil {
		return err
	}
	defer closeFiles()
	e.createData = true
	st, err := e.OpenStation(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	add := st.AddScript
	if *speak {
		add = st.AddSpokenScript
	}
	s, warn, err := add(ctx, station.Local(actor(*by)), f)
	if err != nil {
		return err
	}
	e.warn(warn)
	if *asJSON {
		return writeJSON(e.Stdout, s)
	}
	fmt.Fprintln(e.Stdout, s.ID)
	return nil
}

func (e *Env) scriptEdit(ctx context.Context, args []string) error {
	fs := e.newFlagSet("script edit", "loa script edit ID [--title T] [--topic CODE] [--area CODE] [--audience CODE] [--audio FILE]\n"+
		"                      [--text FILE] [--priority P] [--from DATE] [--until DATE] [--max-plays N] [--json]")
	ff := newFieldFlags(fs)
	asJSON := fs.Bool("json", false, "print the script as JSON")
	by := fs.String("by", "", "who edits it (default $USER)")
	id, err := e.idArg(fs, args, "script edit")
	if err != nil {
		return err
	}
	f, closeFiles, err := ff.fields()
	if err != nil {
		return err
	}
	defer closeFiles()
	st, err := e.OpenStation(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	a := station.Local(actor(*by))
	before, err := st.Script(ctx, a, id)
	if err != nil {
		return err
	}
	s, warn, err := st.EditScript(ctx, a, id, f)
	if err != nil {
		return err
	}
	e.warn(warn)
	if *asJSON {
		return writeJSON(e.Stdout, s)
	}
	if before.Status == queue.Approved && s.Status == queue.Submitted {
		fmt.Fprintf(e.Stdout, "Bài #%d đã sửa: phê duyệt cũ không còn hiệu lực, cần duyệt lại.\n", id)
	} else {
		fmt.Fprintf(e.Stdout, "Đã sửa bài #%d.\n", id)
	}
	return nil
}

func (e *Env) scriptList(ctx context.Context, args []string) error {
	fs := e.newFlagSet("script list", "loa script list [--status submitted|approved|rejected|retired] [--json]")
	status := fs.String("status", "", "only scripts with this status")
	asJSON := fs.Bool("json", false, "one JSON object per line")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "script list"); err != nil {
		return err
	}
	e.readOnly = true
	st, err := e.OpenStation(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	page, err := st.Scripts(ctx, station.Local(actor("")), station.ScriptFilter{Status: *status})
	if err != nil {
		return err
	}
	list := page.Items
	if *asJSON {
		return writeJSONLines(e.Stdout, list)
	}
	return printScriptTable(e.Stdout, list)
}

func printScriptTable(w io.Writer, list []queue.Script) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTRẠNG THÁI\tƯU TIÊN\tTHỜI LƯỢNG\tĐÃ PHÁT\tCHỦ ĐỀ\tTIÊU ĐỀ")
	for _, s := range list {
		dur := report.Clock(s.DurationS)
		if s.NeedsAudio {
			dur = "CẦN ÂM THANH"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\n", s.ID, queue.StatusLabel(s.Status),
			taxonomy.Label(taxonomy.Priorities(), s.Priority), dur, s.Plays, taxonomy.TopicLabel(s.Topic), s.Title)
	}
	if len(list) == 0 {
		fmt.Fprintln(tw, "(không có bài nào)")
	}
	return tw.Flush()
}

func (e *Env) scriptShow(ctx context.Context, args []string) error {
	fs := e.newFlagSet("script show", "loa script show ID [--json]")
	asJSON := fs.Bool("json", false, "print as JSON")
	id, err := e.idArg(fs, args, "script show")
	if err != nil {
		return err
	}
	e.readOnly = true
	st, err := e.OpenStation(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := st.Script(ctx, station.Local(actor("")), id)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.Stdout, s)
	}
	cfg, _ := e.Config()
	loc := cfg.Location()
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
	row("Mã bài", strconv.FormatInt(s.ID, 10))
	row("Tiêu đề", s.Title)
	row("Trạng thái", queue.StatusLabel(s.Status))
	row("Chủ đề", fmt.Sprintf("%s (%s)", taxonomy.TopicLabel(s.Topic), s.Topic))
	if s.Area != "" {
		row("Lĩnh vực CCHC", fmt.Sprintf("%s (%s)", taxonomy.AreaLabel(s.Area), s.Area))
	}
	row("Đối tượng", fmt.Sprintf("%s (%s)", taxonomy.AudienceLabel(s.Audience), s.Audience))
	if s.Author != "" {
		row("Tác giả", s.Author)
	}
	row("Mức ưu tiên", taxonomy.Label(taxonomy.Priorities(), s.Priority))
	if s.NeedsAudio {
		row("Âm thanh", "CHƯA CÓ — cần thu âm trước khi phát")
	} else {
		row("Âm thanh", fmt.Sprintf("%s, %d Hz, %d kênh, %s (%.3f s)", strings.ToUpper(s.AudioFormat), s.SampleRate, s.Channels, report.Clock(s.DurationS), s.DurationS))
		if s.Voice != nil {
			row("Giọng đọc", fmt.Sprintf("máy đọc từ văn bản — %s, giọng %s, chuẩn hóa %s", s.Voice.Engine, s.Voice.Voice, s.Voice.Normalizer))
		}
		if s.LoudnessLUFS != nil && s.TruePeakDBTP != nil {
			row("Độ lớn", fmt.Sprintf("%.1f LUFS, đỉnh %.1f dBTP", *s.LoudnessLUFS, *s.TruePeakDBTP))
		}
		row("SHA-256", s.AudioSHA256)
	}
	window := "không giới hạn"
	if s.From != "" || s.Until != "" {
		window = fmt.Sprintf("%s → %s", openEnd(s.From), openEnd(s.Until))
	}
	row("Thời gian phát", window)
	maxPlays := "không giới hạn"
	if s.MaxPlays != nil {
		maxPlays = strconv.Itoa(*s.MaxPlays)
	}
	row("Số lần phát tối đa", maxPlays)
	row("Đã phát", fmt.Sprintf("%d lần", s.Plays))
	if s.Status == queue.Approved {
		row("Người duyệt", fmt.Sprintf("%s, %s", s.ApprovedBy, s.ApprovedAt.In(loc).Format(database.ShowMinuteDate)))
	}
	row("Ngày tạo", s.CreatedAt.In(loc).Format(database.ShowMinuteDate))
	if err := tw.Flush(); err != nil {
		return err
	}
	if s.Body != "" {
		fmt.Fprintf(e.Stdout, "\nNội dung:\n%s\n", s.Body)
	}
	return nil
}

func openEnd(s string) string {
	if s == "" {
		return "…"
	}
	return s
}

func (e *Env) scriptApprove(ctx context.Context, args []string) error {
	fs := e.newFlagSet("script approve", "loa script approve ID --by NAME --sha256 PREFIX [--note TEXT]\n\n"+
		"PREFIX is at least 8 hex digits of the SHA-256 of the audio you heard ('loa script show ID').\n"+
		"At a terminal, without --sha256, the hash and length are shown and you confirm.")
	by := fs.String("by", "", "approver's name (required)")
	note := fs.String("note", "", "note recorded with the approval")
	sum := fs.String("sha256", "", "start of the SHA-256 of the audio you heard, as 'loa script show' prints it (required unless confirmed at a terminal)")
	id, err := e.idArg(fs, args, "script approve")
	if err != nil {
		return err
	}
	st, err := e.OpenStation(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	heard := *sum
	if heard == "" {
		if heard, err = e.confirmAudio(ctx, st.Queue, id); err != nil {
			return err
		}
	}
	s, err := st.Approve(ctx, station.Local(*by), id, heard, *note)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Bài #%d: %s.\n", s.ID, queue.StatusLabel(s.Status))
	return nil
}

// confirmAudio shows the approver the recording's hash and length and asks
// for a yes; it returns the hash confirmed. Only at a terminal: in a script
// or a pipe nobody sees the question, so --sha256 is required there.
func (e *Env) confirmAudio(ctx context.Context, q *queue.Queue, id int64) (string, error) {
	in, ok := e.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return "", inputerr.New("script approve: --sha256 is required: at least %d hex digits of the SHA-256 of the audio you heard (see 'loa script show %d')", queue.MinSHA256Prefix, id)
	}
	s, err := q.Get(ctx, id)
	if err != nil {
		return "", err
	}
	if s.NeedsAudio {
		return "", nil // Approve names the real problem
	}
	fmt.Fprintf(e.Stderr, "Bài #%d: %s\nÂm thanh: %s (%.3f s)\nSHA-256:  %s\nDuyệt đúng bản ghi âm này để phát? Gõ \"có\" để duyệt: ",
		s.ID, s.Title, report.Clock(s.DurationS), s.DurationS, s.AudioSHA256)
	line, _ := bufio.NewReader(in).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(norm.NFC.String(line))) {
	case "có", "co", "c", "yes", "y":
		return s.AudioSHA256, nil
	}
	return "", inputerr.New("script approve: not confirmed; script %d is still %s", id, s.Status)
}

func (e *Env) scriptReject(ctx context.Context, args []string) error {
	fs := e.newFlagSet("script reject", "loa script reject ID --by NAME --reason TEXT")
	by := fs.String("by", "", "approver's name (required)")
	reason := fs.String("reason", "", "why it is rejected (required)")
	id, err := e.idArg(fs, args, "script reject")
	if err != nil {
		return err
	}
	if strings.TrimSpace(*reason) == "" {
		return inputerr.New("reject: --reason TEXT is required")
	}
	return e.transition(ctx, func(st *station.Station) (queue.Script, error) {
		return st.Reject(ctx, station.Local(*by), id, *reason)
	})
}

func (e *Env) scriptRetire(ctx context.Context, args []string) error {
	fs := e.newFlagSet("script retire", "loa script retire ID [--by NAME] [--note TEXT]")
	by := fs.String("by", "", "who retires it (default $USER)")
	note := fs.String("note", "", "why")
	id, err := e.idArg(fs, args, "script retire")
	if err != nil {
		return err
	}
	return e.transition(ctx, func(st *station.Station) (queue.Script, error) {
		return st.Retire(ctx, station.Local(actor(*by)), id, *note)
	})
}

func (e *Env) transition(ctx context.Context, do func(*station.Station) (queue.Script, error)) error {
	st, err := e.OpenStation(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := do(st)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Bài #%d: %s.\n", s.ID, queue.StatusLabel(s.Status))
	return nil
}

func (e *Env) scriptHistory(ctx context.Context, args []string) error {
	fs := e.newFlagSet("script history", "loa script history ID [--json]")
	asJSON := fs.Bool("json", false, "one JSON object per line")
	id, err := e.idArg(fs, args, "script history")
	if err != nil {
		return err
	}
	e.readOnly = true
	st, err := e.OpenStation(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	h, err := st.History(ctx, station.Local(actor("")), id)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSONLines(e.Stdout, h)
	}
	cfg, _ := e.Config()
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "THỜI GIAN\tNGƯỜI\tTỪ\tSANG\tGHI CHÚ")
	for _, ev := range h {
		from := "—"
		if ev.From != "" {
			from = queue.StatusLabel(ev.From)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", ev.At.In(cfg.Location()).Format(database.ShowTable), ev.Actor, from, queue.StatusLabel(ev.To), ev.Note)
	}
	return tw.Flush()
}

// idArg parses flags and the single script ID argument.
func (e *Env) idArg(fs *flag.FlagSet, args []string, what string) (int64, error) {
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if err := wantArgs(pos, 1, what+" ID"); err != nil {
		return 0, err
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, inputerr.New("%s: %q is not a script id", what, pos[0])
	}
	return id, nil
}

func actor(by string) string {
	if by != "" {
		return by
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "operator"
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeJSONLines writes one JSON object per line.
func writeJSONLines[T any](w io.Writer, list []T) error {
	enc := json.NewEncoder(w)
	for _, v := range list {
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	return nil
}
