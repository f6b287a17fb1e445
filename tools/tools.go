//go:build tools

// Package tools keeps test and build dependencies in go.mod that only
// build-tagged or not-yet-imported code needs.
package tools

import (
	_ "github.com/elastic/beats/v7/x-pack/libbeat/management"
	_ "github.com/elastic/elastic-agent-client/v7/pkg/client/mock"
	_ "github.com/elastic/mock-es/pkg/api"
	_ "github.com/magefile/mage/mage"
)
