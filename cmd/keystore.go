package cmd

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	libcmd "github.com/elastic/beats/v7/libbeat/cmd"
	"github.com/elastic/beats/v7/libbeat/cmd/instance"
	"github.com/elastic/elastic-agent-libs/keystore"
)

// console is where the keystore commands read answers and values: standard
// input, and whether it is a terminal.
type console struct {
	in       io.Reader
	out      io.Writer
	terminal bool
	// password reads a value without echo; used only on a terminal.
	password func() ([]byte, error)
	lines    *bufio.Reader
}

func stdConsole(out io.Writer) *console {
	fd := int(os.Stdin.Fd()) //nolint:gosec // a file descriptor fits an int
	return &console{
		in: os.Stdin, out: out, terminal: term.IsTerminal(fd),
		password: func() ([]byte, error) { return term.ReadPassword(fd) },
	}
}

// confirm asks a yes/no question on the terminal; without one it returns
// an error built from hint, the flag that answers it.
func (c *console) confirm(question, hint string) (bool, error) {
	if !c.terminal {
		return false, fmt.Errorf("%s (standard input is not a terminal, so nobody can answer): %s", strings.TrimSuffix(question, "?"), hint)
	}
	if c.lines == nil {
		c.lines = bufio.NewReader(c.in)
	}
	for {
		fmt.Fprintf(c.out, "%s [y/N]: ", question)
		line, err := c.lines.ReadString('\n')
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return true, nil
		case "", "n", "no":
			if err != nil && line == "" {
				return false, fmt.Errorf("no answer: %w", err)
			}
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("no answer: %w", err)
		}
	}
}

// replaceKeystoreCommands swaps libbeat's `keystore create` and `keystore
// add` for versions that never read from a terminal that is not there:
// libbeat's fail with "inappropriate ioctl for device" or a Go panic when
// standard input is a pipe or /dev/null (a script, a service, CI). These
// say which flag to use instead (--stdin, --force).
func replaceKeystoreCommands(root *libcmd.BeatsRootCmd, settings instance.Settings) {
	for _, c := range root.KeystoreCmd.Commands() {
		if n := c.Name(); n == "add" || n == "create" {
			root.KeystoreCmd.RemoveCommand(c)
		}
	}
	open := func() (keystore.Keystore, error) {
		b, err := instance.NewInitializedBeat(settings)
		if err != nil {
			return nil, fmt.Errorf("initialise threatqbeat: %w", err)
		}
		return b.Keystore(), nil
	}
	var force, stdin bool
	add := &cobra.Command{
		Use:   "add KEY",
		Short: "Add a secret to the keystore (typed in on a terminal, or read from standard input with --stdin)",
		Long: `keystore add stores one secret, for example THREATQ_CLIENT_SECRET, which the
configuration then uses as ${THREATQ_CLIENT_SECRET}. On a terminal it asks for the
value without echoing it. In a script or a pipe, pass the value on standard input
with --stdin:

  printf '%s' "$SECRET" | threatqbeat keystore add THREATQ_CLIENT_SECRET --stdin

--force replaces an existing key (and creates a missing keystore) without asking.`,
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(c *cobra.Command, args []string) error {
			return addKey(open, stdConsole(c.OutOrStdout()), strings.TrimSpace(args[0]), force, stdin)
		},
	}
	add.Flags().BoolVar(&stdin, "stdin", false, "Read the value from standard input (all of it, as is)")
	add.Flags().BoolVar(&force, "force", false, "Replace an existing key, and create the keystore if missing, without asking")
	var forceCreate bool
	create := &cobra.Command{
		Use:          "create",
		Short:        "Create the keystore (in path.data); --force replaces an existing one and its keys",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(c *cobra.Command, _ []string) error {
			return createKeystore(open, stdConsole(c.OutOrStdout()), forceCreate)
		},
	}
	create.Flags().BoolVar(&forceCreate, "force", false, "Replace an existing keystore without asking (its keys are lost)")
	root.KeystoreCmd.AddCommand(add, create)
}

// createKeystore creates the keystore, asking before it replaces one.
func createKeystore(open func() (keystore.Keystore, error), con *console, force bool) error {
	store, err := open()
	if err != nil {
		return err
	}
	w, err := keystore.AsWritableKeystore(store)
	if err != nil {
		return fmt.Errorf("create the keystore: %w", err)
	}
	if store.IsPersisted() && !force {
		ok, err := con.confirm("A keystore already exists. Replace it and lose its keys?", "keep it, or pass --force to replace it")
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(con.out, "The keystore was left as it is.")
			return nil
		}
	}
	if err := w.Create(true); err != nil {
		return fmt.Errorf("create the keystore: %w", err)
	}
	fmt.Fprintf(con.out, "Created %s keystore\n", Name)
	return nil
}

// addKey stores one secret.
func addKey(open func() (keystore.Keystore, error), con *console, key string, force, stdin bool) error {
	if key == "" {
		return errors.New("keystore add: the key name is empty")
	}
	if !stdin && !con.terminal {
		return fmt.Errorf("keystore add %s: standard input is not a terminal, so the value cannot be typed in; "+
			"pass it on standard input with --stdin, e.g. printf '%%s' \"$VALUE\" | threatqbeat keystore add %s --stdin", key, key)
	}
	store, err := open()
	if err != nil {
		return err
	}
	w, err := keystore.AsWritableKeystore(store)
	if err != nil {
		return fmt.Errorf("keystore add %s: %w", key, err)
	}
	if !store.IsPersisted() {
		if !force {
			if stdin { // standard input holds the value, not an answer
				return fmt.Errorf("keystore add %s: there is no keystore yet: create it with `threatqbeat keystore create`, or pass --force", key)
			}
			ok, err := con.confirm("The keystore does not exist. Create it?", "create it with `threatqbeat keystore create`, or pass --force")
			if err != nil {
				return fmt.Errorf("keystore add %s: %w", key, err)
			}
			if !ok {
				return fmt.Errorf("keystore add %s: no keystore, nothing stored", key)
			}
		}
		if err := w.Create(true); err != nil {
			return fmt.Errorf("keystore add %s: create the keystore: %w", key, err)
		}
		fmt.Fprintln(con.out, "Created keystore")
	}
	if old, _ := store.Retrieve(key); old != nil && !force {
		if stdin {
			return fmt.Errorf("keystore add %s: the key exists already: pass --force to replace it", key)
		}
		ok, err := con.confirm(fmt.Sprintf("Setting %s already exists. Replace it?", key), "pass --force to replace it")
		if err != nil {
			return fmt.Errorf("keystore add %s: %w", key, err)
		}
		if !ok {
			fmt.Fprintln(con.out, "The keystore was left as it is.")
			return nil
		}
	}
	var value []byte
	if stdin {
		if value, err = io.ReadAll(con.in); err != nil {
			return fmt.Errorf("keystore add %s: read standard input: %w", key, err)
		}
	} else {
		fmt.Fprintf(con.out, "Enter value for %s: ", key)
		value, err = con.password()
		fmt.Fprintln(con.out)
		if err != nil {
			return fmt.Errorf("keystore add %s: read the value: %w", key, err)
		}
	}
	if err := w.Store(key, value); err != nil {
		return fmt.Errorf("keystore add %s: %w", key, err)
	}
	if err := w.Save(); err != nil {
		return fmt.Errorf("keystore add %s: save the keystore: %w", key, err)
	}
	fmt.Fprintln(con.out, "Successfully updated the keystore")
	return nil
}
