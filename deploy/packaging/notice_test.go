package packaging

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	for text, want := range map[string]string{
		"Apache License\n Version 2.0, January 2004":                                                                                                        "Apache-2.0",
		"MIT License\n\nPermission is hereby granted, free of charge, to any person":                                                                        "MIT",
		"Redistribution and use in source and binary forms ... Neither the name of Google":                                                                  "BSD-3-Clause",
		"Redistribution and use in source and binary forms, with or without modification":                                                                   "BSD-2-Clause",
		"Mozilla Public License Version 2.0\n==================================":                                                                            "MPL-2.0",
		"Permission to use, copy, modify, and/or distribute this software for any purpose":                                                                  "ISC",
		"ELASTIC LICENSE AGREEMENT\n\nPLEASE READ CAREFULLY":                                                                                                LicenseElastic + " (Elastic License Agreement)",
		"Elastic License 2.0\n\nURL: https://www.elastic.co/licensing/elastic-license":                                                                      LicenseElastic2,
		"Source code in this repository is variously licensed under the Apache License\nVersion 2.0, an Apache compatible license, or the Elastic License.": LicenseElasticMixed,
		"All rights reserved.": "",
	} {
		if got := classify(text); got != want {
			t.Errorf("classify(%.40q) = %q, want %q", text, got, want)
		}
	}
}

func TestElasticPackagesOfMixedModule(t *testing.T) {
	dir := t.TempDir()
	header := "// Copyright Elasticsearch B.V. Licensed under the Elastic License 2.0;\n// you may not use this file except in compliance with the Elastic License 2.0.\npackage management\n"
	if err := os.WriteFile(filepath.Join(dir, "m.go"), []byte(header), 0o644); err != nil {
		t.Fatal(err)
	}
	xpack := listedPackage{ImportPath: "github.com/elastic/beats/v7/x-pack/libbeat/management", Dir: dir, GoFiles: []string{"m.go"}}
	if got := packageElasticLicense(xpack, LicenseElasticMixed); got != LicenseElastic2 {
		t.Fatalf("x-pack package: %q", got)
	}
	lib := listedPackage{ImportPath: "github.com/elastic/beats/v7/libbeat/beat"}
	if got := packageElasticLicense(lib, LicenseElasticMixed); got != "" {
		t.Fatalf("libbeat package: %q", got)
	}
	client := listedPackage{ImportPath: "github.com/elastic/elastic-agent-client/v7/pkg/client"}
	if got := packageElasticLicense(client, LicenseElastic+" (Elastic License Agreement)"); !strings.HasPrefix(got, LicenseElastic) {
		t.Fatalf("agent client: %q", got)
	}
}

func TestRenderNoticeNamesElasticPackages(t *testing.T) {
	def := []Module{
		{Path: "github.com/elastic/beats/v7", Version: "v7.0.0", License: LicenseElasticMixed,
			Elastic: []ElasticPackage{{ImportPath: "github.com/elastic/beats/v7/x-pack/libbeat/management", License: LicenseElastic}}},
		{Path: "golang.org/x/oauth2", Version: "v0.30.0", License: "BSD-3-Clause"},
	}
	text := RenderNotice(def, def[1:])
	for _, want := range []string{
		"github.com/elastic/beats/v7/x-pack/libbeat/management",
		"Elastic License 2.0 (ELv2)",
		"links none of these packages",
		"golang.org/x/oauth2",
		"Apache License, Version 2.0",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("NOTICE lacks %q:\n%s", want, text)
		}
	}
}
