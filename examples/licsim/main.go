// Command licsim runs licence scenarios: text files of events and
// expectations for the licensing engine, each file on a fresh state. The
// language is documented in package
// github.com/f0fce437/callrec/licensing/scenario.
//
//	go run ./examples/licsim [-v] FILE...
//
// "print" output and failed expectations ("FILE:LINE: expected X, got Y")
// go to standard output; bad syntax and commands that cannot apply
// ("FILE:LINE: ...") to standard error. Exit status: 0 when every
// expectation held, 1 when one failed, 2 on bad syntax, a command that
// cannot apply or an unreadable file (the run stops at the first such
// file). -v also prints every decision with its reason.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/f0fce437/callrec/licensing/scenario"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is main without the process: it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("licsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("v", false, "print every decision with its reason")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: licsim [-v] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	status := 0
	for _, name := range fs.Args() {
		res, err := runFile(name, stdout, *verbose)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		if res.Failures > 0 {
			status = 1
		}
	}
	return status
}

func runFile(name string, stdout io.Writer, verbose bool) (scenario.Result, error) {
	f, err := os.Open(name)
	if err != nil {
		return scenario.Result{}, fmt.Errorf("licsim: %w", err)
	}
	defer f.Close()
	s, err := scenario.Parse(name, f)
	if err != nil {
		return scenario.Result{}, err
	}
	res, err := s.Run(stdout, scenario.Options{Verbose: verbose})
	if err != nil && !errors.Is(err, scenario.ErrBadScript) {
		err = fmt.Errorf("licsim: %s: %w", name, err)
	}
	return res, err
}
