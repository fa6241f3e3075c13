package app

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// testEnv is an Env writing into buffers.
func testEnv() (*Env, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	return &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr}, &stdout, &stderr
}

// nestedApp is a small command table with a nested command taking
// positional arguments, to test reordering beyond today's commands:
//
//	prog [--config PATH] [--verbose|-v] cred get [--field|-f NAME] [--reveal] [--count N] RECORD...
//	prog cred list
//	prog echo ARG...
func nestedApp() *cli.App {
	return &cli.App{
		Name: "prog",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}},
		},
		Commands: []*cli.Command{
			{
				Name:    "cred",
				Aliases: []string{"c"},
				Subcommands: []*cli.Command{
					{
						Name:      "get",
						ArgsUsage: "RECORD...",
						Flags: []cli.Flag{
							&cli.StringFlag{Name: "field", Aliases: []string{"f"}},
							&cli.BoolFlag{Name: "reveal"},
							&cli.IntFlag{Name: "count"},
						},
					},
					{Name: "list"},
				},
			},
			{Name: "echo", ArgsUsage: "ARG..."},
		},
	}
}

func TestInterspersedNested(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty command path", "prog", "prog"},
		{"no flags", "prog cred get a b", "prog cred get a b"},
		{"flags already first", "prog cred get --field password a", "prog cred get --field password a"},
		{"value flag after arg", "prog cred get acme/sc --field password", "prog cred get --field password acme/sc"},
		{"value flag between args", "prog cred get a --field password b", "prog cred get --field password a b"},
		{"short alias takes its value", "prog cred get a -f password b", "prog cred get -f password a b"},
		{"single dash long name", "prog cred get a -field password", "prog cred get -field password a"},
		{"flag=value is one arg", "prog cred get a --field=password b", "prog cred get --field=password a b"},
		{"flag=value whose value equals an arg", "prog cred get a --field=a b", "prog cred get --field=a a b"},
		{"bool flag takes no value", "prog cred get a --reveal b", "prog cred get --reveal a b"},
		{"bool flag =false", "prog cred get a --reveal=false b", "prog cred get --reveal=false a b"},
		{"int flag", "prog cred get a --count 3", "prog cred get --count 3 a"},
		{"several flags keep their order", "prog cred get a --reveal b --field x c --count 2", "prog cred get --reveal --field x --count 2 a b c"},
		{"value that looks like a flag", "prog cred get a --field --reveal", "prog cred get --field --reveal a"},
		{"value that names a command", "prog cred get a --field list", "prog cred get --field list a"},
		{"alias in command path", "prog c get a --field x", "prog c get --field x a"},
		{"global flag before command", "prog --config /c cred get a --field x", "prog --config /c cred get --field x a"},
		{"global value equal to a command", "prog --config cred cred get a --reveal", "prog --config cred cred get --reveal a"},
		{"global bool before command", "prog -v cred get a --reveal", "prog -v cred get --reveal a"},
		{"flag of the parent command level", "prog cred --config /c get a", "prog cred --config /c get a"},
		{"unknown flag is left for the parser", "prog cred get a --nope b", "prog cred get --nope a b"},
		{"unknown flag does not take a value", "prog cred get a --nope=1 b", "prog cred get --nope=1 a b"},
		{"after double dash untouched", "prog cred get a -- --field x", "prog cred get -- a --field x"},
		{"double dash before args", "prog cred get -- a --field x", "prog cred get -- a --field x"},
		{"double dash in the command path", "prog -- cred get a --field x", "prog -- cred get a --field x"},
		{"flags before double dash move", "prog cred get a --field x -- --reveal b", "prog cred get --field x -- a --reveal b"},
		{"double dash as a flag's value", "prog cred get a --field -- b", "prog cred get --field -- a b"},
		{"lone dash is an argument", "prog cred get - --reveal", "prog cred get --reveal -"},
		{"unknown command keeps root flags", "prog nosuch --config /c", "prog --config /c nosuch"},
		{"leaf without flags", "prog echo a --reveal b", "prog echo --reveal a b"},
		{"group command without args", "prog cred list", "prog cred list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.Fields(tt.in)
			orig := slices.Clone(in)
			got, err := interspersed(nestedApp(), in)
			if err != nil {
				t.Fatalf("interspersed(%q): %v", in, err)
			}
			if want := strings.Fields(tt.want); !slices.Equal(got, want) {
				t.Errorf("interspersed(%q)\n got %q\nwant %q", in, got, want)
			}
			if !slices.Equal(in, orig) {
				t.Errorf("interspersed changed its input to %q", in)
			}
		})
	}
}

// TestInterspersedSellervault runs the real command table.
func TestInterspersedSellervault(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"nothing", []string{"sellervault"}, []string{"sellervault"}},
		{"empty", []string{}, []string{}},
		{"help topic", []string{"sellervault", "help", "exit-codes"}, []string{"sellervault", "help", "exit-codes"}},
		{"help topic then format", []string{"sellervault", "help", "exit-codes", "--format", "json"},
			[]string{"sellervault", "help", "--format", "json", "exit-codes"}},
		{"help topic then timeout", []string{"sellervault", "help", "exit-codes", "--timeout", "5s"},
			[]string{"sellervault", "help", "--timeout", "5s", "exit-codes"}},
		{"global flag first", []string{"sellervault", "--format", "json", "help", "exit-codes"},
			[]string{"sellervault", "--format", "json", "help", "exit-codes"}},
		{"global flag value equal to a command", []string{"sellervault", "--mount", "status", "status", "--format", "json"},
			[]string{"sellervault", "--mount", "status", "status", "--format", "json"}},
		{"status flags after command", []string{"sellervault", "status", "--format", "json", "--address", "http://127.0.0.1:1"},
			[]string{"sellervault", "status", "--format", "json", "--address", "http://127.0.0.1:1"}},
		{"init value flag and bool flag", []string{"sellervault", "init", "--audit-file", "/x", "--dry-run"},
			[]string{"sellervault", "init", "--audit-file", "/x", "--dry-run"}},
		{"init stray arg before flags", []string{"sellervault", "init", "stray", "--audit-file", "/x", "--dry-run"},
			[]string{"sellervault", "init", "--audit-file", "/x", "--dry-run", "stray"}},
		{"init dry-run takes no value", []string{"sellervault", "init", "stray", "--dry-run", "other"},
			[]string{"sellervault", "init", "--dry-run", "stray", "other"}},
		{"flag=value", []string{"sellervault", "completion", "bash", "--format=json"},
			[]string{"sellervault", "completion", "--format=json", "bash"}},
		{"value with spaces", []string{"sellervault", "init", "x", "--audit-file", "/var/log/vault audit.log"},
			[]string{"sellervault", "init", "--audit-file", "/var/log/vault audit.log", "x"}},
		{"after double dash untouched", []string{"sellervault", "completion", "bash", "--", "--format", "json"},
			[]string{"sellervault", "completion", "--", "bash", "--format", "json"}},
		{"unknown flag", []string{"sellervault", "completion", "bash", "--nope", "zsh"},
			[]string{"sellervault", "completion", "--nope", "bash", "zsh"}},
		{"unknown command", []string{"sellervault", "nosuch", "--format", "json"},
			[]string{"sellervault", "--format", "json", "nosuch"}},
		{"help alias", []string{"sellervault", "h", "exit-codes", "--format", "json"},
			[]string{"sellervault", "h", "--format", "json", "exit-codes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _, _ := testEnv()
			got, err := interspersed(newApp(env), slices.Clone(tt.in))
			if err != nil {
				t.Fatalf("interspersed(%q): %v", tt.in, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("interspersed(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestInterspersedParses checks that what interspersed produces is what
// urfave/cli then parses as meant: flags after an argument take effect,
// and what follows "--" stays arguments, without the "--" itself.
func TestInterspersedParses(t *testing.T) {
	tests := []struct {
		in     string
		field  string
		reveal bool
		args   []string
	}{
		{"prog cred get acme/sc --field password other --reveal -- --count", "password", true, []string{"acme/sc", "other", "--count"}},
		{"prog cred get a -- --field x", "", false, []string{"a", "--field", "x"}},
		{"prog cred get a --field=x -- -- b", "x", false, []string{"a", "--", "b"}},
		{"prog -v cred get --reveal a b", "", true, []string{"a", "b"}},
	}
	for _, tt := range tests {
		var field string
		var reveal bool
		var args []string
		app := nestedApp()
		app.Commands[0].Subcommands[0].Action = func(c *cli.Context) error {
			field, reveal, args = c.String("field"), c.Bool("reveal"), c.Args().Slice()
			return nil
		}
		app.Writer, app.ErrWriter = &bytes.Buffer{}, &bytes.Buffer{}
		in := strings.Fields(tt.in)
		reordered, err := interspersed(app, in)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if err := app.Run(reordered); err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if field != tt.field || reveal != tt.reveal || !slices.Equal(args, tt.args) {
			t.Errorf("%q parsed as field=%q reveal=%v args=%q; want %q %v %q", tt.in, field, reveal, args, tt.field, tt.reveal, tt.args)
		}
	}
}

func FuzzInterspersed(f *testing.F) {
	for _, seed := range []string{
		"prog cred get a --field x",
		"prog cred get a -- --field x",
		"prog --config cred cred get a --reveal b",
		"prog cred get a --field",
		"prog cred get a --field -- b",
		"prog c get --count=1 a -f",
		"sellervault help exit-codes --format json",
		"sellervault init x --audit-file /x --dry-run",
		"sellervault --timeout 1s status --address",
		"prog - -- --",
	} {
		f.Add(seed, true)
		f.Add(seed, false)
	}
	env, _, _ := testEnv()
	realApp := newApp(env)
	f.Fuzz(func(t *testing.T, line string, nested bool) {
		args := strings.Split(line, " ")
		app := realApp
		if nested {
			app = nestedApp()
		}
		orig := slices.Clone(args)
		got, err := interspersed(app, args)
		if !slices.Equal(args, orig) {
			t.Fatalf("interspersed changed its input %q to %q", orig, args)
		}
		if err != nil {
			return // a value flag left last with no value: refused, checked elsewhere
		}
		if len(got) != len(orig) {
			t.Fatalf("interspersed(%q) = %q: length %d, want %d", orig, got, len(got), len(orig))
		}
		if len(orig) > 0 && got[0] != orig[0] {
			t.Fatalf("interspersed(%q) = %q: first argument moved", orig, got)
		}
		a, b := slices.Clone(orig), slices.Clone(got)
		sort.Strings(a)
		sort.Strings(b)
		if !slices.Equal(a, b) {
			t.Fatalf("interspersed(%q) = %q: not a permutation", orig, got)
		}
		// A second pass finds nothing more to move.
		if again, err := interspersed(app, got); err != nil || !slices.Equal(again, got) {
			t.Fatalf("interspersed is not idempotent: %q -> %q -> %q", orig, got, again)
		}
	})
}

func TestInterspersedRefusesDanglingValueFlag(t *testing.T) {
	for _, line := range []string{"sv cred get a/b --field", "sv cred get a --reveal --field"} {
		_, err := interspersed(nestedApp(), strings.Fields(line))
		var usage usageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), "flag needs an argument: --field") {
			t.Errorf("%q: %v, want a usage error naming --field", line, err)
		}
	}
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"sellervault", "help", "exit-codes", "--format"}, &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr})
	if code != ExitUsage || !strings.Contains(stderr.String(), "flag needs an argument: --format") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}
