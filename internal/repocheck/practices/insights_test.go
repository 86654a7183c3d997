package practices

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseInsightsRealFiles(t *testing.T) {
	const otelPolicy = "https://github.com/open-telemetry/opentelemetry-go/blob/69e81088ad40f45a0764597326722dea8f3f00a8/CONTRIBUTING.md"
	tests := []struct {
		file string
		want Insights
		// errHas lists parts of the error; nil means valid.
		errHas []string
	}{
		{"v1-otel.yml", Insights{Version: "1.0.0", Major: 1, DependenciesPolicy: otelPolicy}, nil},
		{"v1-etcd.yml", Insights{Version: "1.0.0", Major: 1}, nil},
		{"v1-spec-minimal.yml", Insights{Version: "1.0.0", Major: 1}, nil},
		{"v1-spec-broken.yml", Insights{}, []string{"yaml:"}},
		{"v2-scorecard.yml", Insights{Version: "2.2.0", Major: 2}, nil},
		{"v2-scorecard-policy.yml", Insights{Version: "2.2.0", Major: 2,
			DependenciesPolicy: "https://github.com/ossf/scorecard/blob/main/docs/dependency-policy.md"}, nil},
		{"v2-otel-go.yml", Insights{Version: "2.0.0", Major: 2}, []string{
			"header.url is missing", "repository.core-team[0].primary is missing", "repository.security is missing",
		}},
		{"v2-spec-repo.yml", Insights{Version: "1.0.0", Major: 1}, []string{
			"header.expiration-date is missing", "contribution-policy is missing", "project-lifecycle is missing",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "insights", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseInsights(data)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Insights mismatch (-want +got):\n%s", diff)
			}
			checkErr(t, err, tt.errHas)
		})
	}
}

func checkErr(t *testing.T, err error, has []string) {
	t.Helper()
	if len(has) == 0 {
		if err != nil {
			t.Errorf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want one containing %q", has)
	}
	if !errors.Is(err, ErrInvalidInsights) && !errors.Is(err, ErrInvalidMetadata) {
		t.Errorf("error %v wraps neither sentinel", err)
	}
	for _, h := range has {
		if !strings.Contains(err.Error(), h) {
			t.Errorf("error %q does not contain %q", err, h)
		}
	}
}

func TestParseInsightsEdgeCases(t *testing.T) {
	const v2head = "header:\n  schema-version: 2.0.0\n  last-updated: '2025-01-01'\n  last-reviewed: '2025-01-01'\n  url: https://example.org/si.yml\n"
	const v2repo = "repository:\n  url: https://example.org/r\n  status: active\n  accepts-change-request: true\n" +
		"  accepts-automated-change-request: false\n  core-team:\n    - name: A\n      primary: true\n" +
		"  license:\n    url: https://example.org/LICENSE\n    expression: MIT\n" +
		"  security:\n    assessments:\n      self:\n        comment: none yet\n"
	tests := []struct {
		name   string
		in     string
		want   Insights
		errHas []string
	}{
		{"empty", "", Insights{}, []string{"the document is empty"}},
		{"not a mapping", "- a\n- b\n", Insights{}, []string{"not a mapping"}},
		{"no header", "project: {}\n", Insights{}, []string{"header is missing"}},
		{"unknown version", "header:\n  schema-version: 3.0.0\n", Insights{Version: "3.0.0"}, []string{`"3.0.0" is neither`}},
		{"v2 minimal repository", v2head + v2repo, Insights{Version: "2.0.0", Major: 2}, nil},
		{"v2 neither project nor repository", v2head, Insights{Version: "2.0.0", Major: 2}, []string{"neither project nor repository"}},
		{"v2 empty core team", v2head + strings.Replace(v2repo, "  core-team:\n    - name: A\n      primary: true\n", "  core-team: []\n", 1), Insights{Version: "2.0.0", Major: 2},
			[]string{"repository.core-team is empty"}},
		{"v2 policy", v2head + v2repo + "  documentation:\n    dependency-management-policy: https://example.org/deps\n",
			Insights{Version: "2.0.0", Major: 2, DependenciesPolicy: "https://example.org/deps"}, nil},
		{"v2 empty policy", v2head + v2repo + "  documentation:\n    dependency-management-policy: ''\n",
			Insights{Version: "2.0.0", Major: 2}, []string{"dependency-management-policy is empty"}},
		{"v2 boolean as text", v2head + strings.Replace(v2repo, "accepts-change-request: true", "accepts-change-request: 'yes'", 1),
			Insights{Version: "2.0.0", Major: 2}, []string{"repository.accepts-change-request is not true or false"}},
		{"v1 alias", "header: &h\n  schema-version: '1.0.0'\n  expiration-date: x\n  project-url: y\nh2: *h\n", Insights{Version: "1.0.0", Major: 1},
			[]string{"contribution-policy is missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseInsights([]byte(tt.in))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Insights mismatch (-want +got):\n%s", diff)
			}
			checkErr(t, err, tt.errHas)
		})
	}
}

func TestParseMetadata(t *testing.T) {
	tests := []struct {
		name   string
		file   string // under testdata/clomonitor, or "" to use in
		in     string
		want   Metadata
		errHas []string
	}{
		{name: "otel", file: "otel.yml", want: Metadata{Exemptions: []Exemption{
			{Check: "artifacthub_badge", Reason: "Artifact Hub doesn't support Go packages"}}}},
		{name: "cilium", file: "cilium.yml", want: Metadata{Exemptions: []Exemption{
			{Check: "slack_presence", Reason: "The Cilium slack community can be found at https://slack.cilium.io"},
			{Check: "dangerous_workflow", Reason: `"It is safe to run code checkout '${{ github.event.pull_request.head.sha }}'  ` +
				`and 'github.event.pull_request.head.ref' in .github/workflows/build-images-base.yaml  ` +
				`as this workflow is only permitted to be executed after an explicit approval of a  ` +
				"subset of committers.\"\n"},
			{Check: "signed_releases", Reason: `"All Cilium release images are cryptographically signed during build by cosign.  ` +
				`Images are hosted in Quay. OpenSSF Scorecard check is currently limited to repositories  ` +
				"hosted on GitHub, and does not support other source hosting repositories.\"\n"},
			{Check: "token_permissions", Reason: "\"Reason to use every non-read-only token in GitHub workflows is commented in the respective workflow files.\"\n"},
		}}},
		{name: "cert-manager", file: "cert-manager.yml", want: Metadata{
			LicenseScanningURL: "https://github.com/cert-manager/cert-manager/blob/master/LICENSES"}},
		{name: "template", file: "template.yml", want: Metadata{
			Exemptions:         []Exemption{{Check: "artifacthub_badge"}},
			LicenseScanningURL: "https://license-scanning-results.url"}},
		{name: "empty", in: "", want: Metadata{}},
		{name: "comments only", in: "# nothing\n", want: Metadata{}},
		{name: "tilde reason", in: "exemptions:\n  - check: roadmap\n    reason: ~\n", want: Metadata{Exemptions: []Exemption{{Check: "roadmap"}}}},
		{name: "entry without check", in: "exemptions:\n  - reason: because\n  - check: adopters\n    reason: private users\n", want: Metadata{
			Exemptions: []Exemption{{Check: "adopters", Reason: "private users"}},
			Problems:   []string{"exemptions[0] names no check"}}},
		{name: "entry not a mapping", in: "exemptions:\n  - adopters\n", want: Metadata{Problems: []string{"exemptions[0] is not a mapping"}}},
		{name: "exemptions not a list", in: "exemptions: adopters\n", errHas: []string{"exemptions is not a list"}},
		{name: "not a mapping", in: "- a\n", errHas: []string{"not a mapping"}},
		{name: "not yaml", in: "exemptions: [\n", errHas: []string{"yaml:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.in)
			if tt.file != "" {
				var err error
				if data, err = os.ReadFile(filepath.Join("testdata", "clomonitor", tt.file)); err != nil {
					t.Fatal(err)
				}
			}
			got, err := ParseMetadata(data)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Metadata mismatch (-want +got):\n%s", diff)
			}
			checkErr(t, err, tt.errHas)
		})
	}
}
