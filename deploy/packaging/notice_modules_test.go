package packaging

import (
	"os"
	"strings"
	"testing"
)

// TestPackageNoticeMatchesLinkedModules: NOTICE lists every module linked
// into the binary with its licence and names the Elastic-licensed packages.
func TestPackageNoticeMatchesLinkedModules(t *testing.T) {
	def, err := Modules("../..")
	if err != nil {
		t.Fatal(err)
	}
	noagent, err := Modules("../..", "noagent")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../NOTICE")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != RenderNotice(def, noagent) {
		t.Fatal("NOTICE does not match the linked modules: run `go run mage.go notice`")
	}
	elastic := map[string]bool{}
	for _, m := range def {
		if strings.HasPrefix(m.License, LicenseUnknownPrefix) {
			t.Errorf("module %s: licence %s", m.Path, m.License)
		}
		for _, p := range m.Elastic {
			elastic[p.ImportPath] = true
		}
	}
	for _, p := range []string{"github.com/elastic/beats/v7/x-pack/libbeat/management", "github.com/elastic/elastic-agent-client/v7/pkg/client"} {
		if !elastic[p] {
			t.Errorf("%s is not listed as Elastic-licensed", p)
		}
	}
	for _, m := range noagent {
		if len(m.Elastic) > 0 {
			t.Errorf("the noagent build links Elastic-licensed %v", m.Elastic)
		}
	}
	if !strings.Contains(string(got), "links none of these packages") {
		t.Error("NOTICE does not say the noagent build is free of Elastic-licensed code")
	}
}
