package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"loa/internal/database"
	"loa/internal/inputerr"
	"loa/internal/station"
	"loa/internal/users"
)

const userUsage = `Usage: loa user <subcommand> [flags]

Subcommands:
  add NAME --role ROLE --password-stdin   create a console user
  list                                    list users
  passwd NAME --password-stdin            set a user's password (ends their sessions)
  disable NAME                            disable a user (ends sessions and tokens)
  token NAME                              print a new API token for NAME (shown once)

Roles: quan-tri (admin), bien-tap (operator), phe-duyet (approver), xem (viewer).
The command line acts as the station's administrator.
`

func (e *Env) runUser(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "help" {
		fmt.Fprint(e.Stderr, userUsage)
		if len(args) == 0 {
			return inputerr.New("user: subcommand required")
		}
		return nil
	}
	subs := map[string]func(context.Context, []string) error{
		"add": e.userAdd, "list": e.userList, "passwd": e.userPasswd, "disable": e.userDisable, "token": e.userToken,
	}
	run, ok := subs[args[0]]
	if !ok {
		return inputerr.New("user: unknown subcommand %q (see 'loa user --help')", args[0])
	}
	return run(ctx, args[1:])
}

// readPassword reads one line from stdin: passwords never go on the command
// line, where other users of the machine could see them.
func (e *Env) readPassword(given bool, what string) (string, error) {
	if !given {
		return "", inputerr.New("%s: --password-stdin is required (the password is read from stdin)", what)
	}
	line, err := bufio.NewReader(io.LimitReader(e.Stdin, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("%s: read password: %w", what, err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (e *Env) userAdd(ctx context.Context, args []string) error {
	fs := e.newFlagSet("user add", "loa user add NAME --role quan-tri|bien-tap|phe-duyet|xem --password-stdin")
	role := fs.String("role", "", "role: quan-tri, bien-tap, phe-duyet or xem")
	pwStdin := fs.Bool("password-stdin", false, "read the password from stdin")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 1, "user add NAME"); err != nil {
		return err
	}
	if *role == "" {
		return inputerr.New("user add: --role is required (quan-tri, bien-tap, phe-duyet, xem)")
	}
	pw, err := e.readPassword(*pwStdin, "user add")
	if err != nil {
		return err
	}
	e.createData = true
	st, err := e.OpenStation(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.AddUser(ctx, station.Local(actor("")), pos[0], users.Role(*role), pw)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Đã tạo người dùng %s (%s).\n", u.Name, u.Role.Label())
	return nil
}

func (e *Env) userList(ctx context.Context, args []string) error {
	fs := e.newFlagSet("user list", "loa user list [--json]")
	asJSON := fs.Bool("json", false, "one JSON object per line")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "user list"); err != nil {
		return err
	}
	st, err := e.OpenStation(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.ListUsers(ctx, station.Local(actor("")))
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSONLines(e.Stdout, station.NewUsers(list, st.Location()))
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TÊN\tVAI TRÒ\tTRẠNG THÁI\tNGÀY TẠO")
	for _, u := range list {
		state := "hoạt động"
		if u.Disabled {
			state = "đã khóa"
		}
		fmt.Fprintf(tw, "%s\t%s (%s)\t%s\t%s\n", u.Name, u.Role.Label(), u.Role, state, u.CreatedAt.In(st.Location()).Format(database.ShowDate))
	}
	if len(list) == 0 {
		fmt.Fprintln(tw, "(chưa có người dùng nào — tạo quản trị viên đầu tiên bằng 'loa user add TÊN --role quan-tri --password-stdin')")
	}
	return tw.Flush()
}

func (e *Env) userPasswd(ctx context.Context, args []string) error {
	fs := e.newFlagSet("user passwd", "loa user passwd NAME --password-stdin")
	pwStdin := fs.Bool("password-stdin", false, "read the new password from stdin")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 1, "user passwd NAME"); err != nil {
		return err
	}
	pw, err := e.readPassword(*pwStdin, "user passwd")
	if err != nil {
		return err
	}
	return e.withStation(ctx, func(st *station.Station) error {
		if err := st.SetPassword(ctx, station.Local(actor("")), pos[0], pw); err != nil {
			return userErr(err)
		}
		fmt.Fprintf(e.Stdout, "Đã đổi mật khẩu của %s.\n", pos[0])
		return nil
	})
}

func (e *Env) userDisable(ctx context.Context, args []string) error {
	fs := e.newFlagSet("user disable", "loa user disable NAME")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 1, "user disable NAME"); err != nil {
		return err
	}
	return e.withStation(ctx, func(st *station.Station) error {
		if err := st.SetDisabled(ctx, station.Local(actor("")), pos[0], true); err != nil {
			return userErr(err)
		}
		fmt.Fprintf(e.Stdout, "Đã khóa người dùng %s.\n", pos[0])
		return nil
	})
}

func (e *Env) userToken(ctx context.Context, args []string) error {
	fs := e.newFlagSet("user token", "loa user token NAME")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 1, "user token NAME"); err != nil {
		return err
	}
	return e.withStation(ctx, func(st *station.Station) error {
		tok, err := st.NewToken(ctx, station.Local(actor("")), pos[0])
		if err != nil {
			return userErr(err)
		}
		fmt.Fprintln(e.Stdout, tok)
		return nil
	})
}

func (e *Env) withStation(ctx context.Context, fn func(*station.Station) error) error {
	st, err := e.OpenStation(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}

// userErr makes an unknown user an input error (exit 2).
func userErr(err error) error {
	if station.IsNotFound(err) {
		return inputerr.Wrap(err)
	}
	return err
}
