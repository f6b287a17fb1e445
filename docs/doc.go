// Package docs checks threatqbeat's documentation pages, the Markdown
// files beside it and the README: every threatqbeat command a page shows
// in a shell block is run by a named end-to-end test of tests/integration,
// build commands share one build cache, and the pages agree on where the
// dashboards are read from. It holds no code; the release archive and the
// packages ship the pages only.
package docs
