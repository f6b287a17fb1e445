//go:build ignore

// Runs the targets of magefile.go without installing mage:
//
//	go run mage.go <target>
package main

import (
	"os"

	"github.com/magefile/mage/mage"
)

func main() { os.Exit(mage.Main()) }
