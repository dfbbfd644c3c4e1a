package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"loa/internal/station"
)

//go:embed templates static openapi.json
var files embed.FS

// Server is the console and API over one opened station.
type Server struct {
	st       *station.Station
	log      *slog.Logger
	pages    map[string]*template.Template
	throttle *throttle
	now      func() time.Time
	mux      *http.ServeMux
}

// Options adjust New.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time // tests
}

// New builds the server and its routes.
func New(st *station.Station, opt Options) (*Server, error) {
	s := &Server{st: st, log: opt.Logger, now: opt.Now, mux: http.NewServeMux()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.throttle = newThrottle(s.now)
	var err error
	if s.pages, err = s.parsePages(); err != nil {
		return nil, err
	}
	for _, r := range s.apiRoutes() {
		s.mux.HandleFunc(r.pattern, r.handler)
	}
	// Beside the CSRF token, the browser's own word (Sec-Fetch-Site, Origin)
	// that a form comes from another site: a token cookie planted from a
	// sibling host does not pass this. The API takes tokens, not cookies.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.forbidden(w, r, nil) }))
	for _, r := range s.uiRoutes() {
		s.mux.Handle(r.pattern, cop.Handler(r.handler))
	}
	static, _ := fs.Sub(files, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	return s, nil
}

type route struct {
	pattern string
	handler http.HandlerFunc
}

// Handler is the whole site with its middleware.
func (s *Server) Handler() http.Handler {
	return s.logRequests(securityHeaders(s.mux))
}

// securityHeaders are sent on every response: no inline script may run, no
// other site may frame the console, nothing is sniffed.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	code  int
	bytes int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		s.log.Info("http", "method", r.Method, "path", r.URL.Path, "status", sw.code, "bytes", sw.bytes,
			"ms", float64(time.Since(start).Microseconds())/1000, "remote", r.RemoteAddr)
	})
}

// Serve runs the server on addr until ctx ends, then shuts down gracefully
// (requests in flight get a few seconds to finish).
func Serve(ctx context.Context, h http.Handler, ln net.Listener, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		// Uploads of hundreds of MB over a slow office LAN take minutes;
		// the body has its own size cap.
		ReadTimeout:  30 * time.Minute,
		WriteTimeout: 30 * time.Minute,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Requests in flight finish during Shutdown rather than being
		// cancelled with ctx.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	done := make(chan error, 1)
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return <-done
}
