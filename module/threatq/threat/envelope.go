package threat

import (
	"time"

	"github.com/elastic/elastic-agent-libs/mapstr"
)

// envelope returns the fields every event has, whatever the indicator:
// event.*, data_stream.*, ecs.version, input.type, labels and threat.feed.
// Every call returns fresh maps and slices, because processors may change
// an event in place.
func envelope(s Settings, created time.Time) mapstr.M {
	ns := s.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	event := object{
		"kind":     eventKindEnrichment,
		"category": []string{eventCategoryThreat},
		"type":     []string{eventTypeIndicator},
		"module":   Module,
		"dataset":  Dataset,
	}
	if !created.IsZero() && inDateRange(created) {
		event["created"] = formatTime(created)
	}
	return mapstr.M{
		"event": event,
		"data_stream": object{
			"type":      DataStreamType,
			"dataset":   Dataset,
			"namespace": ns,
		},
		"ecs":    object{"version": ECSVersion},
		"input":  object{"type": InputType},
		"labels": object{"is_ioc_transform_source": labelTransformSource},
		"threat": object{
			"feed": object{
				"name":         FeedName,
				"dashboard_id": FeedDashboardID,
			},
		},
	}
}
