// Command genfields writes include/fields.yml: the ECS fields of the
// vendored ECS version (include/fieldsgen/ecs), libbeat's non-ECS fields,
// the beat's _meta/fields.yml and every module's and dataset's
// _meta/fields.yml (see package fieldsgen). Run it from the repository root
// (mage update does).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/threatqbeat/threatqbeat/include/fieldsgen"
)

func main() {
	out := flag.String("out", "include/fields.yml", "file to write")
	flag.Parse()
	var buf bytes.Buffer
	if err := fieldsgen.Generate(".", &buf); err != nil {
		fmt.Fprintln(os.Stderr, "genfields:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genfields:", err)
		os.Exit(1)
	}
}
