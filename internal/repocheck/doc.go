// Package repocheck judges the security posture of a local clone the way
// OpenSSF Scorecard judges a hosted repository, without a forge or a
// network: collectors read the clone once (its file tree, workflows,
// scripts, policy files and a bounded slice of its git history), probes are
// pure functions from those facts to findings, and each check turns its
// probes' findings into a 0–10 score with Scorecard's own rules.
//
// Checks whose data lives only in a forge's API (Maintained, Contributors,
// Code-Review, Signed-Releases, CI-Tests) are approximated from git history
// and marked Exact=false, with the approximation said in their reason.
//
// The layers, as Scorecard splits them:
//
//	facts*.go   collectors: all I/O, run once per clone
//	probe_*.go  probes: facts → findings, with their texts in probes.go
//	score.go    scoring: findings → check result, and the aggregate
//	checks.go   the explicit list of checks and Check, which runs them
//	scorecard_json.go  Scorecard's JSON v2 format, written and read
package repocheck
