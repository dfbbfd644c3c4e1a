package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"loa/internal/airlog"
	"loa/internal/assembly"
	"loa/internal/database"
	"loa/internal/forecast"
	"loa/internal/inputerr"
	"loa/internal/report"
	"loa/internal/simulate"
	"loa/internal/station"
	"loa/internal/taxonomy"
)

func (e *Env) runSimulate(ctx context.Context, args []string) error {
	fs := e.newFlagSet("simulate", "loa simulate --from DATE --to DATE [--schedules DIR] [--json] [--record] [--runs=false]")
	fromFlag := fs.String("from", "", "first local date (YYYY-MM-DD), inclusive")
	toFlag := fs.String("to", "", "last local date (YYYY-MM-DD), inclusive")
	dirFlag := fs.String("schedules", "", "directory of programme files (default: config playout.schedules)")
	asJSON := fs.Bool("json", false, "one JSON object per line: runs, then months, then half-years")
	record := fs.Bool("record", false, "write the simulated runs into the airtime log (marked simulated)")
	listRuns := fs.Bool("runs", true, "list every run (text output)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "simulate"); err != nil {
		return err
	}
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	loc := cfg.Location()
	if *fromFlag == "" || *toFlag == "" {
		return inputerr.New("simulate: --from and --to are required (local dates YYYY-MM-DD)")
	}
	from, to, err := localDays("simulate", *fromFlag, *toFlag, loc)
	if err != nil {
		return err
	}
	if to.Sub(from) > 10*366*24*time.Hour {
		return inputerr.New("simulate: --from %s --to %s: at most 10 years", *fromFlag, *toFlag)
	}
	dir, err := e.schedulesFlag(dirFlag)
	if err != nil {
		return err
	}
	progs, err := e.LoadSchedules(ctx, dir, from)
	if err != nil {
		return err
	}
	e.readOnly = !*record // a simulation not recorded only reads the station
	st, err := e.OpenStation(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	log := airlog.New(st.DB)
	if *record {
		// Refuse before any work: the real log must stay real.
		real, err := log.HasReal(ctx)
		if err != nil {
			return err
		}
		if real {
			return inputerr.Wrap(simulate.ErrRealBroadcasts)
		}
	}
	start, err := forecast.Load(ctx, st.Queue, log, from, loc)
	if err != nil {
		return err
	}
	res, err := simulate.Simulate(ctx, simulate.Options{Programmes: progs, Scripts: start.Scripts, From: from, To: to, Location: loc,
		TopicAirtime: start.TopicAirtime, Lead: cfg.Playout.Lead.D()})
	if err != nil {
		return err
	}
	if *record {
		if err := simulate.Record(ctx, log, res); err != nil {
			return err
		}
	}
	if *asJSON {
		err = writeSimulationJSON(e.Stdout, res)
	} else {
		err = writeSimulation(e.Stdout, res, loc, *listRuns)
	}
	if err != nil {
		return err
	}
	if *record {
		fmt.Fprintf(e.Stderr, "loa: recorded %d simulated run(s) in the airtime log of %s\n", len(res.Runs), e.DataDir)
	}
	return nil
}

func writeSimulationJSON(w io.Writer, res *simulate.Result) error {
	enc := json.NewEncoder(w)
	for _, r := range res.Runs {
		j := struct {
			Type string `json:"type"`
			station.ForecastRun
		}{"run", station.NewForecastRun(r.Plan, r.Output)}
		if err := enc.Encode(j); err != nil {
			return err
		}
	}
	for _, b := range res.Months {
		if err := enc.Encode(station.NewSimBucket("month", b)); err != nil {
			return err
		}
	}
	for _, b := range res.Halves {
		if err := enc.Encode(station.NewSimBucket("half", b)); err != nil {
			return err
		}
	}
	return nil
}

func minutes(s float64) string { return fmt.Sprintf("%.1f", s/60) }

// pad pads s with spaces to n runes (labels carry diacritics).
func pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

func padLeft(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return strings.Repeat(" ", n-k) + s
	}
	return s
}

func writeSimulation(w io.Writer, res *simulate.Result, loc *time.Location, listRuns bool) error {
	fmt.Fprintf(w, "MÔ PHỎNG PHÁT SÓNG từ %s đến %s\n\n", res.From.In(loc).Format(database.ShowDate),
		res.To.In(loc).AddDate(0, 0, -1).Format(database.ShowDate))
	if listRuns {
		for _, r := range res.Runs {
			writeSimRun(w, r.Plan)
		}
		fmt.Fprintln(w)
	}
	topics := taxonomy.Topics()
	labelW := 0
	for _, t := range topics {
		labelW = max(labelW, utf8.RuneCountInString(t.Item+". "+t.Label))
	}
	table := func(title string, buckets []*simulate.Bucket, colW int, head func(*simulate.Bucket) string) {
		fmt.Fprintf(w, "%s (phút)\n", title)
		fmt.Fprint(w, pad("Chủ đề", labelW))
		for _, b := range buckets {
			fmt.Fprint(w, padLeft(head(b), colW))
		}
		fmt.Fprintln(w, padLeft("Cộng", 9))
		var total float64
		for _, t := range topics {
			fmt.Fprint(w, pad(t.Item+". "+t.Label, labelW))
			var sum float64
			for _, b := range buckets {
				fmt.Fprint(w, padLeft(minutes(b.ByTopic[t.Code]), colW))
				sum += b.ByTopic[t.Code]
			}
			total += sum
			fmt.Fprintln(w, padLeft(minutes(sum), 9))
		}
		fmt.Fprint(w, pad("Tổng cộng", labelW))
		for _, b := range buckets {
			fmt.Fprint(w, padLeft(minutes(b.Seconds), colW))
		}
		fmt.Fprintln(w, padLeft(minutes(total), 9))
		fmt.Fprint(w, pad("Số chương trình (không có bài)", labelW))
		for _, b := range buckets {
			fmt.Fprint(w, padLeft(fmt.Sprintf("%d (%d)", b.Runs, b.NoScripts), colW))
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w)
	}
	table("Thời lượng phát theo chủ đề, theo tháng", res.Months, 9, func(b *simulate.Bucket) string {
		return "T" + b.From.Format("01/06")
	})
	table("Thời lượng phát theo chủ đề, theo 6 tháng", res.Halves, 14, func(b *simulate.Bucket) string {
		if strings.HasSuffix(b.Key, "-H1") {
			return "6T đầu " + b.Key[:4]
		}
		return "6T cuối " + b.Key[:4]
	})
	for _, h := range res.Halves {
		var missing []string
		for _, t := range topics {
			if h.ByTopic[t.Code] == 0 {
				missing = append(missing, t.Item+". "+t.Label)
			}
		}
		if len(missing) == 0 {
			fmt.Fprintf(w, "%s: mọi chủ đề của kế hoạch đều được phát (%d bài khác nhau, %d lượt bài).\n",
				station.PeriodLabel(h.Key), h.Distinct, h.Scripts)
			continue
		}
		fmt.Fprintf(w, "%s: CHƯA CÓ thời lượng cho %d chủ đề: %s\n", station.PeriodLabel(h.Key), len(missing), strings.Join(missing, "; "))
	}
	return nil
}

func writeSimRun(w io.Writer, p assembly.Plan) {
	var ids []string
	for _, it := range p.Items {
		if it.Kind == assembly.KindScript {
			ids = append(ids, fmt.Sprintf("#%d", it.ScriptID))
		}
	}
	line := fmt.Sprintf("%s  %-16s %s/%s  %d bài", localTime(p.At), p.Programme, report.Clock(p.FillS), report.Clock(p.LengthS), len(ids))
	if len(ids) > 0 {
		line += ": " + strings.Join(ids, " ")
	}
	for _, pr := range p.Problems {
		line += "  ! " + pr.Vietnamese()
	}
	fmt.Fprintln(w, line)
}
