package systemd

import (
	"embed"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
)

//go:embed units
var units embed.FS

// Paths are where an installation puts things.
type Paths struct {
	Prefix  string // binary in Prefix/bin, schedules and jingles in Prefix/share/loa (make install's PREFIX)
	Data    string // the data directory: /var/lib/loa (the unit's StateDirectory)
	Backups string // where the nightly backup writes: /var/backups/loa
}

// DefaultPaths are make install's defaults.
func DefaultPaths() Paths {
	return Paths{Prefix: "/usr/local", Data: "/var/lib/loa", Backups: "/var/backups/loa"}
}

// Units lists the unit files by name, in install order.
func Units() []string {
	entries, err := fs.ReadDir(units, "units")
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}

// Unit returns the text of unit name for paths p.
func Unit(name string, p Paths) (string, error) {
	if !slices.Contains(Units(), name) {
		return "", fmt.Errorf("no unit %q (have %s)", name, strings.Join(Units(), ", "))
	}
	for _, path := range []string{p.Prefix, p.Data, p.Backups} {
		// The units are parsed by systemd: a relative path or one with
		// spaces or specifiers would not mean what it says.
		if !filepath.IsAbs(path) || strings.ContainsAny(path, " \t\n%$\\'\"") {
			return "", fmt.Errorf("unit %s: path %q must be absolute, without spaces, quotes, %% or $", name, path)
		}
	}
	t, err := template.ParseFS(units, "units/"+name)
	if err != nil {
		return "", fmt.Errorf("unit %s: %w", name, err)
	}
	var b strings.Builder
	if err := t.Execute(&b, p); err != nil {
		return "", fmt.Errorf("unit %s: %w", name, err)
	}
	return b.String(), nil
}
