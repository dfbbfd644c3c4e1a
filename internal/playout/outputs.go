package playout

import (
	"context"
	"slices"
	"sync"
	"time"

	"loa/internal/schedule"
)

// outputs makes sure one programme at a time plays on each sink.
type outputs struct {
	mu      sync.Mutex
	busy    map[string]string // sink → programme on it
	changed chan struct{}     // closed and replaced on every release
}

func newOutputs() *outputs {
	return &outputs{busy: map[string]string{}, changed: make(chan struct{})}
}

// sinks is the sinks an output spec uses (schedule.Sinks, as check counts
// overlaps): "alsa+wav:DIR" uses "alsa" and "wav:DIR", so it excludes a
// programme on plain "alsa". Sorted: one set of sinks, one list.
func sinks(spec string) []string {
	ss := schedule.Sinks(spec)
	slices.Sort(ss)
	return ss
}

// tryAcquire takes all sinks or none; on failure it names the programme in
// the way.
func (o *outputs) tryAcquire(ss []string, prog string) (holder string, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, s := range ss {
		if h, busy := o.busy[s]; busy {
			return h, false
		}
	}
	for _, s := range ss {
		o.busy[s] = prog
	}
	return "", true
}

func (o *outputs) release(ss []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, s := range ss {
		delete(o.busy, s)
	}
	close(o.changed)
	o.changed = make(chan struct{})
}

// acquire waits until the sinks are free or deadline passes. It returns the
// holder that was in the way when it gives up.
func (o *outputs) acquire(ctx context.Context, ss []string, prog string, deadline time.Time) (holder string, ok bool) {
	for {
		o.mu.Lock()
		ch := o.changed
		o.mu.Unlock()
		h, ok := o.tryAcquire(ss, prog)
		if ok {
			return "", true
		}
		wait := time.Until(deadline)
		if wait <= 0 {
			return h, false
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return h, false
		case <-ch:
		case <-t.C:
		}
		t.Stop()
	}
}

// outputRetry is how often an output that failed is tried again.
const outputRetry = 30 * time.Second

// OutputChecker is implemented by an Air that can open an output ahead of
// air (AudioAir): the daemon retries a failed output with it.
type OutputChecker interface {
	CheckOutput(spec string) error
}

// outputFailed raises the alarm for an output that failed a run, once per
// failure: until it opens again (tried every outputRetry) later failures
// of the same output are logged only with their runs.
func (d *Daemon) outputFailed(ctx context.Context, spec string, err error) {
	d.mu.Lock()
	down := d.down[spec]
	d.down[spec] = true
	d.mu.Unlock()
	if down {
		d.log.Warn("output still failing", "output", spec, "err", err)
		return
	}
	d.log.Error("ALARM: output failed; the runs on it are logged failed until it works again", "output", spec, "err", err,
		"retry", outputRetry)
	oc, ok := d.opt.Air.(OutputChecker)
	d.extra.Add(1)
	go func() {
		defer d.extra.Done()
		t := time.NewTicker(outputRetry)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			var err error
			if ok {
				err = oc.CheckOutput(spec)
			}
			if err == nil {
				d.mu.Lock()
				delete(d.down, spec)
				d.mu.Unlock()
				d.log.Info("output works again", "output", spec)
				return
			}
		}
	}()
}
