// Package docs checks threatqbeat's documentation pages, the Markdown
// files beside it and the README: every threatqbeat command a page shows
// in a shell block is run by a named end-to-end test of tests/integration,
// build commands share one build cache, the pages agree on where the
// dashboards are read from, and the test commands of the README's
// Development section are the ones .ci/run and `mage test` run. It holds
// no code; the release archive and the packages ship the pages only.
package docs
