package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/elastic/beats/v7/libbeat/cmd/instance"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/config"
	"github.com/threatqbeat/threatqbeat/module/threatq"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// newTestThreatQCommand is `threatqbeat test threatq`.
func newTestThreatQCommand(settings instance.Settings) *cobra.Command {
	var timeout time.Duration
	c := &cobra.Command{
		Use:   "threatq",
		Short: "Test the connection to ThreatQ: authenticate and fetch one page of every configured collection",
		Long: `test threatq reads the threatqbeat: section like the other commands (config file,
-E overrides, keystore), fetches an OAuth2 token and the first page of every
configured collection, and prints the collection size and the indicator types on
that page. It exits non-zero with the reason when ThreatQ cannot be reached, refuses
the credentials or a collection. It never prints the client secret, and it stores
no cursor: a running threatqbeat is not affected.`,
		Run: func(cmd *cobra.Command, _ []string) {
			b, err := instance.NewInitializedBeat(settings)
			if err != nil {
				fmt.Fprintf(os.Stderr, "Error initializing beat: %s\n", err)
				os.Exit(1)
			}
			raw, err := b.BeatConfig()
			if err == nil {
				var cfg config.Config
				if cfg, err = config.Unpack(raw); err == nil {
					ctx, cancel := context.WithTimeout(context.Background(), timeout)
					defer cancel()
					err = testThreatQ(ctx, cmd.OutOrStdout(), cfg, nil)
				}
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "threatq test failed: %s\n", err)
				os.Exit(1)
			}
		},
	}
	c.Flags().DurationVar(&timeout, "timeout", time.Minute, "give up after this long")
	return c
}

// testThreatQ checks the configuration against ThreatQ and reports to out.
// hc replaces the HTTP client built from the configuration (tests).
func testThreatQ(ctx context.Context, out io.Writer, cfg config.Config, hc *http.Client) error {
	if hc == nil {
		var err error
		if hc, err = cfg.Transport().Client(); err != nil {
			return fmt.Errorf("configure HTTP client for threatqbeat.url: %w", err)
		}
	}
	opts := cfg.ClientOptions()
	opts.HTTPClient, opts.Logger, opts.MaxPages = hc, logp.NewNopLogger(), 1
	// A test answers quickly: at most one retry, after at most 5 s.
	opts.Retry.MaxAttempts = min(opts.Retry.MaxAttempts, 2)
	opts.Retry.WaitMin = min(opts.Retry.WaitMin, time.Second)
	opts.Retry.WaitMax = min(opts.Retry.WaitMax, 5*time.Second)
	api, err := threatq.New(opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "ThreatQ %s (client_id %s, token endpoint %s)\n", threatq.RedactURL(cfg.URL), cfg.ClientID, threatq.RedactURL(cfg.TokenEndpoint()))
	var failed []string
	for _, col := range cfg.Collections {
		page, err := api.Walk(col.ID, "").Next(ctx)
		switch {
		case errors.Is(err, threatq.ErrNoMorePages):
			fmt.Fprintf(out, "  collection %s: OK, empty (no indicators)\n", col.ID)
		case threatq.IsAuth(err):
			fmt.Fprintf(out, "  collection %s: ERROR %s\n", col.ID, err)
			return fmt.Errorf("ThreatQ refused the credentials (check client_id, client_secret and token_url): %w", err)
		case unreachable(err):
			fmt.Fprintf(out, "  collection %s: ERROR %s\n", col.ID, err)
			return fmt.Errorf("cannot reach ThreatQ at %s (check url, token_url, proxy and ssl settings, and that ThreatQ is up): %w", threatq.RedactURL(cfg.URL), err)
		case err != nil:
			hint := ""
			if ae := (*threatq.APIError)(nil); errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound {
				hint = " (ThreatQ knows no such collection: check the collection hash)"
			}
			fmt.Fprintf(out, "  collection %s: ERROR %s%s\n", col.ID, err, hint)
			failed = append(failed, col.ID)
		default:
			fmt.Fprintf(out, "  collection %s: OK, %d indicators in the collection, %d on the first page\n", col.ID, page.Total, len(page.Indicators))
			fmt.Fprintf(out, "    types on the first page: %s\n", typeCounts(page.Indicators))
			if page.LacksSourcesAndAttributes() {
				fmt.Fprintln(out, "    WARNING: no indicator has sources or attributes: the server ignores the fields parameter, so provider, TLP and attributes will be missing")
			}
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d collections failed: %s", len(failed), len(cfg.Collections), strings.Join(failed, ", "))
	}
	return nil
}

// unreachable reports an error of the connection itself (refused, DNS,
// timeout, TLS handshake) rather than an answer from ThreatQ.
func unreachable(err error) bool {
	var ae *threatq.APIError
	if errors.As(err, &ae) {
		return false
	}
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne)
}

// typeCounts summarises the ThreatQ indicator types of a page, most
// frequent first.
func typeCounts(raws []json.RawMessage) string {
	counts := map[string]int{}
	for _, raw := range raws {
		name := "(not an indicator)"
		if e, err := threat.Map(raw, threat.Settings{}, time.Now()); err == nil {
			name = "(no type)"
			if v, err := e.Fields.GetValue("threatq.type"); err == nil {
				if s, ok := v.(string); ok && s != "" {
					name = s
				}
			}
		}
		counts[name]++
	}
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if counts[names[i]] != counts[names[j]] {
			return counts[names[i]] > counts[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", n, counts[n])
	}
	return strings.Join(parts, ", ")
}
