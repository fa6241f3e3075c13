package secretin_test

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/sellervault/sellervault/internal/secretin"
)

// A script pipes the secret in: the first line is the secret, without its
// line ending.
func ExampleRead() {
	src := secretin.Source{
		Stdin:  strings.NewReader("hunter2\n"), // os.Stdin in a command
		Stderr: os.Stderr,
	}
	s, err := secretin.Read(src, secretin.Options{
		Prompt: "password for acme-us/seller-central: ",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(s), "bytes read")
	// Output: 7 bytes read
}

// An empty answer is refused unless the secret may be empty.
func ExampleRead_empty() {
	_, err := secretin.Read(secretin.Source{Stdin: strings.NewReader("\n")}, secretin.Options{})
	fmt.Println(errors.Is(err, secretin.ErrEmpty))
	fmt.Println(err)

	pin, err := secretin.Read(secretin.Source{Stdin: strings.NewReader("\n")}, secretin.Options{AllowEmpty: true})
	fmt.Printf("%q %v\n", pin, err)
	// Output:
	// true
	// the secret is empty; type it at the prompt, pipe it on standard input, or name a file with --secret-file
	// "" <nil>
}
