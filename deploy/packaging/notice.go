package packaging

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Module is a Go module linked into the binary.
type Module struct {
	Path    string
	Version string
	Dir     string
	// License is the licence of the module's licence file (SPDX id where
	// one applies).
	License string
	// Elastic lists the module's linked packages that are under an Elastic
	// License, with the licence their files state.
	Elastic []ElasticPackage
}

// ElasticPackage is a linked package under an Elastic License.
type ElasticPackage struct {
	ImportPath string
	License    string
}

// listedPackage is the part of `go list -json` output read here.
type listedPackage struct {
	ImportPath string
	Dir        string
	Standard   bool
	GoFiles    []string
	Module     *struct {
		Path    string
		Version string
		Dir     string
		Main    bool
		Replace *struct {
			Path    string
			Version string
			Dir     string
		}
	}
}

// Modules lists the modules linked into the main package of root, built
// with the given build tags, and their licences.
func Modules(root string, tags ...string) ([]Module, error) {
	args := []string{"list", "-deps", "-json"}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w: %s", err, stderr.String())
	}
	byPath := map[string]*Module{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list output: %w", err)
		}
		if p.Standard || p.Module == nil || p.Module.Main {
			continue
		}
		path, version, dir := p.Module.Path, p.Module.Version, p.Module.Dir
		if r := p.Module.Replace; r != nil {
			path, version, dir = r.Path, r.Version, r.Dir
		}
		m, ok := byPath[path]
		if !ok {
			m = &Module{Path: path, Version: version, Dir: dir, License: moduleLicense(dir)}
			byPath[path] = m
		}
		if lic := packageElasticLicense(p, m.License); lic != "" {
			m.Elastic = append(m.Elastic, ElasticPackage{ImportPath: p.ImportPath, License: lic})
		}
	}
	mods := make([]Module, 0, len(byPath))
	for _, m := range byPath {
		sort.Slice(m.Elastic, func(i, j int) bool { return m.Elastic[i].ImportPath < m.Elastic[j].ImportPath })
		mods = append(mods, *m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	return mods, nil
}

// Licence names.
const (
	LicenseElastic2      = "Elastic License 2.0"
	LicenseElastic       = "Elastic License"
	LicenseElasticMixed  = "Apache-2.0 outside x-pack/, Elastic License in x-pack/"
	LicenseUnknownPrefix = "unknown"
)

var licenseFile = regexp.MustCompile(`(?i)^(licen[cs]e|copying)([.-].*)?$`)

// moduleLicense classifies the licence file at the root of a module.
func moduleLicense(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return LicenseUnknownPrefix + " (module source not available)"
	}
	var texts []string
	for _, e := range entries {
		if e.Type().IsRegular() && licenseFile.MatchString(e.Name()) {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err == nil {
				texts = append(texts, string(b))
			}
		}
	}
	if len(texts) == 0 {
		return LicenseUnknownPrefix + " (no licence file at the module root)"
	}
	var ids []string
	for _, t := range texts {
		if id := classify(t); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return LicenseUnknownPrefix + " (licence file not recognised)"
	}
	return strings.Join(ids, " AND ")
}

// classify names the licence of a licence file's text.
func classify(text string) string {
	t := strings.Join(strings.Fields(text), " ")
	has := func(s string) bool { return strings.Contains(t, s) }
	switch {
	case has("variously licensed under the Apache License Version 2.0") && has("Elastic License"):
		return LicenseElasticMixed
	case has("Elastic License 2.0"):
		return LicenseElastic2
	case has("ELASTIC LICENSE AGREEMENT"):
		return LicenseElastic + " (Elastic License Agreement)"
	case has("Apache License") && has("Version 2.0"):
		return "Apache-2.0"
	case has("Mozilla Public License Version 2.0") || has("Mozilla Public License, version 2.0"):
		return "MPL-2.0"
	case has("Permission is hereby granted, free of charge"):
		return "MIT"
	case has("Redistribution and use in source and binary forms"):
		if has("Neither the name") || has("names of its contributors may be used") || has("name of the copyright holder nor") {
			return "BSD-3-Clause"
		}
		return "BSD-2-Clause"
	case has("Permission to use, copy, modify, and/or distribute this software") || has("Permission to use, copy, modify, and distribute this software"):
		return "ISC"
	case has("This is free and unencumbered software released into the public domain"):
		return "Unlicense"
	case has("CC0 1.0 Universal"):
		return "CC0-1.0"
	}
	return ""
}

// packageElasticLicense returns the Elastic licence of a linked package
// ("" for other licences): every package of an Elastic-licensed module,
// and the x-pack packages of a mixed one, named by their file headers.
func packageElasticLicense(p listedPackage, moduleLicense string) string {
	switch {
	case strings.HasPrefix(moduleLicense, LicenseElastic):
		return moduleLicense
	case moduleLicense == LicenseElasticMixed && strings.Contains(p.ImportPath, "/x-pack/"):
		return headerLicense(p)
	}
	return ""
}

// headerLicense reads the licence a package's first Go file states.
func headerLicense(p listedPackage) string {
	if len(p.GoFiles) == 0 {
		return LicenseElastic
	}
	b, err := os.ReadFile(filepath.Join(p.Dir, p.GoFiles[0]))
	if err != nil {
		return LicenseElastic
	}
	head := strings.Join(strings.Fields(strings.ReplaceAll(string(b[:min(len(b), 600)]), "//", " ")), " ")
	switch {
	case strings.Contains(head, "Elastic License 2.0"):
		return LicenseElastic2
	case strings.Contains(head, "Elastic License"):
		return LicenseElastic + ` (file headers: "Licensed under the Elastic License")`
	}
	return LicenseElastic
}
