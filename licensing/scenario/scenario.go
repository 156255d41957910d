package scenario

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/f0fce437/callrec/licensing"
)

// start is the clock of a fresh scenario until its first "at".
func start() time.Time { return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) }

// maxLine bounds the length of one line.
const maxLine = 64 << 10

// Script is a parsed scenario.
type Script struct {
	// Name is the file name used in messages.
	Name     string
	Commands []Command
}

// Command is one command of a script, its arguments checked by Parse.
type Command struct {
	Line int
	// Op is the command word ("licenses", "record", "expect", ...).
	Op   string
	Args []string
}

// String returns the command as written (without comment).
func (c Command) String() string { return strings.Join(append([]string{c.Op}, c.Args...), " ") }

// Error is a line that cannot be parsed or a command that cannot apply.
type Error struct {
	File string
	Line int
	Msg  string
}

// Error returns "FILE:LINE: message".
func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// ErrBadScript is wrapped by every *Error (errors.Is).
var ErrBadScript = errors.New("scenario: bad script")

// Unwrap makes every *Error match ErrBadScript.
func (e *Error) Unwrap() error { return ErrBadScript }

// parseState reads a STATE word of "expect".
func parseState(w string) (licensing.State, bool) {
	switch s := licensing.State(w); s {
	case licensing.Accessible, licensing.Unlicensed, licensing.Deleted, licensing.Ownerless:
		return s, true
	}
	return "", false
}

// arity returns the number of arguments of a command; ok is false for an
// unknown command.
func arity(op string) (n int, ok bool) {
	switch op {
	case "print":
		return 0, true
	case "licenses", "user", "deluser", "group", "member", "unmember", "at", "advance",
		"delete", "protect", "unprotect":
		return 1, true
	case "record", "owner", "expect":
		return 2, true
	}
	return 0, false
}

// Parse reads a whole script and checks its syntax. All syntax errors are
// returned together (errors.Join of *Error), in line order.
func Parse(name string, r io.Reader) (*Script, error) {
	s := &Script{Name: name}
	var errs []error
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		f := strings.Fields(text)
		if len(f) == 0 {
			continue
		}
		c := Command{Line: line, Op: f[0], Args: f[1:]}
		if msg := check(c); msg != "" {
			errs = append(errs, &Error{name, line, msg})
			continue
		}
		s.Commands = append(s.Commands, c)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, &Error{name, line + 1, "cannot read: " + err.Error()})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// check returns what is wrong with c's syntax, or "".
func check(c Command) string {
	n, ok := arity(c.Op)
	if !ok {
		return fmt.Sprintf("unknown command %q", c.Op)
	}
	if len(c.Args) != n {
		return fmt.Sprintf("%s takes %d argument(s), got %d", c.Op, n, len(c.Args))
	}
	a := c.Args
	switch c.Op {
	case "licenses":
		if n, err := strconv.Atoi(a[0]); err != nil || n < 0 {
			return fmt.Sprintf("licenses: %q is not a count (0 or more)", a[0])
		}
	case "user", "deluser", "member", "unmember":
		return checkName(a[0])
	case "group":
		if a[0] != "-" {
			return checkName(a[0])
		}
	case "at":
		if _, err := time.Parse(time.RFC3339, a[0]); err != nil {
			return fmt.Sprintf("at: %q is not an RFC 3339 time (2026-01-01T10:00:00Z)", a[0])
		}
	case "advance":
		if d, err := time.ParseDuration(a[0]); err != nil || d < 0 {
			return fmt.Sprintf("advance: %q is not a duration of 0 or more (25h, 90m)", a[0])
		}
	case "record", "owner":
		if msg := checkID(a[0]); msg != "" {
			return msg
		}
		if a[1] != "-" {
			return checkName(a[1])
		}
	case "delete", "protect", "unprotect":
		return checkID(a[0])
	case "expect":
		if a[0] == "holders" {
			if a[1] == "-" {
				return ""
			}
			for u := range strings.SplitSeq(a[1], ",") {
				if msg := checkName(u); msg != "" {
					return msg
				}
			}
			return ""
		}
		if _, ok := parseState(a[1]); !ok {
			return fmt.Sprintf("expect: unknown state %q (accessible, unlicensed, deleted, ownerless)", a[1])
		}
	}
	return ""
}

func checkName(s string) string {
	if s == "" || s == "-" || strings.Contains(s, ",") {
		return fmt.Sprintf("%q is not a name (no comma; \"-\" means none)", s)
	}
	return ""
}

func checkID(s string) string {
	if s == "holders" {
		return `"holders" is reserved and cannot be a recording ID`
	}
	return ""
}

// Result counts the expectations of a run.
type Result struct {
	Expects  int // expect commands run
	Failures int // of which failed
}

// Step is passed to Options.Observe after each command.
type Step struct {
	Command Command
	// Engine is the engine after the command; it must not be changed.
	Engine *licensing.Engine
	// Decisions are those the command caused.
	Decisions []licensing.Decision
}

// Options tune Run; the zero value is the plain runner.
type Options struct {
	// Verbose writes every decision to the output, after its command, as
	// "FILE:LINE: kind user recording state: reason".
	Verbose bool
	// Observe, when set, is called after every command that applied.
	Observe func(Step)
}

// Run executes the script on a fresh engine (no licences, no users, open
// mode, clock at 2000-01-01T00:00:00Z). "print" output and failed
// expectations ("FILE:LINE: expected X, got Y") go to out; a failed
// expectation does not stop the run. A command that cannot apply stops it
// with an *Error.
func (s *Script) Run(out io.Writer, opt Options) (Result, error) {
	r := NewRunner(s.Name, out, opt)
	for _, c := range s.Commands {
		if err := r.Exec(c); err != nil {
			return r.Result(), err
		}
	}
	return r.Result(), nil
}

// Runner executes commands one at a time on one fresh engine, as Run does
// for a whole script. It is not safe for concurrent use.
type Runner struct {
	name  string
	out   io.Writer
	opt   Options
	eng   *licensing.Engine
	order []string // recording IDs in creation order
	recs  map[string]*entry
	res   Result
	werr  error
}

// NewRunner returns a runner on a fresh engine; name is the file name used
// in messages.
func NewRunner(name string, out io.Writer, opt Options) *Runner {
	return &Runner{
		name: name,
		out:  out,
		opt:  opt,
		eng:  licensing.New(start()),
		recs: make(map[string]*entry),
	}
}

// Result returns the expectations counted so far.
func (r *Runner) Result() Result { return r.res }

// Exec executes one command checked by Parse. A command that cannot apply
// returns an *Error and changes nothing; so does a failure to write the
// output (returned as is).
func (r *Runner) Exec(c Command) error {
	d, err := r.exec(c)
	if err != nil {
		return &Error{r.name, c.Line, err.Error()}
	}
	if r.opt.Verbose {
		for _, x := range d {
			r.printf("%s:%d: %s %s %s %s: %s\n", r.name, c.Line, x.Kind, dash(x.User), dash(x.Recording), dash(string(x.State)), x.Reason)
		}
	}
	if r.werr != nil {
		return r.werr
	}
	if r.opt.Observe != nil {
		r.opt.Observe(Step{Command: c, Engine: r.eng, Decisions: d})
	}
	return nil
}

// entry is what the runner remembers of a recording, deleted ones too.
type entry struct {
	owner   string
	deleted bool
}

func (r *Runner) printf(format string, args ...any) {
	if r.werr == nil {
		_, r.werr = fmt.Fprintf(r.out, format, args...)
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func undash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

// live returns the entry of a recording that exists and is not deleted.
func (r *Runner) live(id string) (*entry, error) {
	e := r.recs[id]
	switch {
	case e == nil:
		return nil, fmt.Errorf("unknown recording %q", id)
	case e.deleted:
		return nil, fmt.Errorf("recording %q is deleted", id)
	}
	return e, nil
}

func (r *Runner) exec(c Command) ([]licensing.Decision, error) {
	e, a := r.eng, c.Args
	switch c.Op {
	case "licenses":
		n, _ := strconv.Atoi(a[0])
		return e.SetLicenses(n)
	case "user":
		return e.AddUser(a[0])
	case "deluser":
		return e.RemoveUser(a[0])
	case "group":
		return e.SetGroup(undash(a[0]))
	case "member", "unmember":
		if e.Group() == "" {
			return nil, fmt.Errorf("%s: no recordings group is set (open mode)", c.Op)
		}
		if c.Op == "member" {
			return e.AddMember(e.Group(), a[0])
		}
		return e.RemoveMember(e.Group(), a[0])
	case "at":
		t, _ := time.Parse(time.RFC3339, a[0])
		return r.advance(t)
	case "advance":
		d, _ := time.ParseDuration(a[0])
		return r.advance(e.Now().Add(d))
	case "record":
		if r.recs[a[0]] != nil {
			return nil, fmt.Errorf("duplicate recording %q", a[0])
		}
		d, err := e.AddRecording(licensing.Recording{ID: a[0], Owner: undash(a[1]), Created: e.Now()})
		if err == nil {
			r.order = append(r.order, a[0])
			r.recs[a[0]] = &entry{owner: undash(a[1])}
		}
		return d, err
	case "owner":
		x, err := r.live(a[0])
		if err != nil {
			return nil, err
		}
		d, err := e.SetOwner(a[0], undash(a[1]))
		if err == nil {
			x.owner = undash(a[1])
		}
		return d, err
	case "delete":
		x, err := r.live(a[0])
		if err != nil {
			return nil, err
		}
		d, err := e.DeleteRecording(a[0])
		if err == nil {
			x.deleted = true
		}
		return d, err
	case "protect", "unprotect":
		if _, err := r.live(a[0]); err != nil {
			return nil, err
		}
		return e.SetProtected(a[0], c.Op == "protect")
	case "print":
		for _, id := range r.order {
			r.printf("%s %s %s\n", id, dash(r.recs[id].owner), r.state(id))
		}
		r.printf("holders: %s\n", r.holders())
		return nil, nil
	case "expect":
		var want, got string
		if a[0] == "holders" {
			want, got = a[1], r.holders()
		} else {
			if r.recs[a[0]] == nil {
				return nil, fmt.Errorf("unknown recording %q", a[0])
			}
			want, got = a[1], string(r.state(a[0]))
		}
		r.res.Expects++
		if want != got {
			r.res.Failures++
			r.printf("%s:%d: expected %s, got %s\n", r.name, c.Line, want, got)
		}
		return nil, nil
	}
	return nil, fmt.Errorf("unknown command %q", c.Op) // Parse admits none
}

func (r *Runner) advance(t time.Time) ([]licensing.Decision, error) {
	d, err := r.eng.Advance(t)
	for _, x := range d {
		if x.Kind == licensing.KindDelete {
			r.recs[x.Recording].deleted = true
		}
	}
	return d, err
}

func (r *Runner) state(id string) licensing.State {
	if r.recs[id].deleted {
		return licensing.Deleted
	}
	s, _ := r.eng.State(id)
	return s
}

// holders writes the holders as "print" does: names in claim order joined
// by commas, or "-".
func (r *Runner) holders() string {
	hs := r.eng.Holders()
	if len(hs) == 0 {
		return "-"
	}
	names := make([]string, len(hs))
	for i, h := range hs {
		names[i] = h.User
	}
	return strings.Join(names, ",")
}
