//go:build tools

// Package tools pins build-time dependencies.
package tools

import (
	_ "github.com/elastic/beats/v7/libbeat/cmd"
	_ "github.com/elastic/beats/v7/libbeat/cmd/instance"
	_ "github.com/elastic/beats/v7/libbeat/generator/fields"
	_ "github.com/elastic/beats/v7/libbeat/esleg/eslegclient"
	_ "github.com/elastic/beats/v7/libbeat/publisher/testing"
	_ "github.com/elastic/beats/v7/x-pack/libbeat/management"
	_ "github.com/elastic/elastic-agent-client/v7/pkg/client/mock"
	_ "github.com/elastic/elastic-agent-libs/transport/httpcommon"
	_ "github.com/elastic/mock-es/pkg/api"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/stretchr/testify/require"
	_ "golang.org/x/oauth2/clientcredentials"
)
