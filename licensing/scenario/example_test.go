package scenario_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/f0fce437/callrec/licensing/scenario"
)

func ExampleScript_Run() {
	src := `
licenses 1
user alice
user bob
at 2026-01-01T10:00:00Z
group sales
member alice
member bob
record r1 alice
record r2 bob
advance 24h
print
expect r2 unlicensed   # wrong: it was deleted
`
	s, err := scenario.Parse("example.lic", strings.NewReader(src))
	if err != nil {
		panic(err)
	}
	res, err := s.Run(os.Stdout, scenario.Options{})
	fmt.Println(res.Expects, res.Failures, err)
	// Output:
	// r1 alice accessible
	// r2 bob deleted
	// holders: alice
	// example.lic:13: expected unlicensed, got deleted
	// 1 1 <nil>
}
