package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// passResult is one in-process pass over the collection.
type passResult struct {
	Indicators int     `json:"indicators"`
	Seconds    float64 `json:"seconds"`
	Rate       float64 `json:"indicators_per_s"`
	// CPUSeconds is this process's CPU time during the pass: the client
	// and the simulator serving it.
	CPUSeconds float64 `json:"cpu_seconds_with_simulator"`
}

func (p passResult) String() string {
	return fmt.Sprintf("%d indicators in %.2f s = %.0f/s (%.2f CPU-s incl. simulator)", p.Indicators, p.Seconds, p.Rate, p.CPUSeconds)
}

// ceilingPass walks the whole collection with the production ThreatQ
// client, sequentially, as the beat would without libbeat: every page is
// fetched and decoded (the envelope and the data array split into raw
// indicators). With mapToo, every indicator is also mapped to an event
// (threat.Map with the beat's default settings, as the beat does); the events are dropped.
func ceilingPass(ctx context.Context, url string, pageSize, want int, mapToo bool) (passResult, error) {
	var res passResult
	c, err := threatq.New(threatq.Options{
		URL: url, TokenURL: url + "/api/token", ClientID: "test", ClientSecret: "test",
		HTTPClient:   &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()},
		PageSize:     pageSize,
		MaxPageBytes: threatq.DefaultMaxPageBytes(pageSize),
		Retry:        threatq.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		return res, err
	}
	settings := threat.Settings{
		Expiration: 90 * 24 * time.Hour,
		Tags:       []string{"threatq-threat"},
		URL:        url,
	}
	cpu0 := selfCPU()
	start := time.Now()
	walk := c.Walk(collectionID, "")
	for {
		page, err := walk.Next(ctx)
		if errors.Is(err, threatq.ErrNoMorePages) {
			break
		}
		if err != nil {
			return res, err
		}
		res.Indicators += len(page.Indicators)
		if mapToo {
			created := time.Now().UTC()
			for _, raw := range page.Indicators {
				if _, err := threat.Map(raw, settings, created); err != nil {
					return res, err
				}
			}
		}
		page.Release()
	}
	res.Seconds = time.Since(start).Seconds()
	res.CPUSeconds = (selfCPU() - cpu0).Seconds()
	res.Rate = float64(res.Indicators) / res.Seconds
	if res.Indicators != want {
		return res, fmt.Errorf("walked %d indicators, want %d", res.Indicators, want)
	}
	return res, nil
}
