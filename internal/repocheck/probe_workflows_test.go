package repocheck

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	R "ospo/internal/repocheck/result"
)

const sha40 = "b4ffde65f46336ab88eb53be808477a3936bae11"

func TestDangerousWorkflow(t *testing.T) {
	tests := []struct {
		name     string
		workflow string
		score    int
		warns    []loc
	}{
		{"pull_request_target checks out the pull request head", `on: pull_request_target
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: make
`, 0, []loc{{R.False, ".github/workflows/w.yml", 6}}},
		{"script injection from an issue title", `on:
  issues:
    types: [opened]
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "new issue"
          echo "${{ github.event.issue.title }}"
`, 0, []loc{{R.False, ".github/workflows/w.yml", 10}}},
		{"head_ref in a one-line script", "on: pull_request\njobs:\n  a:\n    steps:\n      - run: git checkout ${{ github.head_ref }}\n",
			0, []loc{{R.False, ".github/workflows/w.yml", 5}}},
		{"pull_request_target without a ref checks out the base", "on: pull_request_target\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n",
			10, nil},
		{"a head checkout under pull_request is not privileged", "on: pull_request\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n",
			10, nil},
		{"numbers are not attacker text", "on: issues\njobs:\n  a:\n    steps:\n      - run: echo ${{ github.event.issue.number }}\n",
			10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := factsOf(t, map[string]string{".github/workflows/w.yml": tt.workflow}, Options{Checks: []string{checkDangerousWorkflow}})
			c := runNamed(t, f, checkDangerousWorkflow)
			if int(c.Score) != tt.score {
				t.Errorf("score = %v (%s), want %d", c.Score, c.Reason, tt.score)
			}
			if diff := cmp.Diff(tt.warns, locsOf(c, R.False)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("no workflows", func(t *testing.T) {
		c := runNamed(t, factsOf(t, map[string]string{"README.md": "hi"}, Options{}), checkDangerousWorkflow)
		if c.Score != R.Inconclusive || c.Reason != "no workflows found" {
			t.Errorf("got %v %q, want inconclusive", c.Score, c.Reason)
		}
	})
}

func TestTokenPermissions(t *testing.T) {
	const job = "jobs:\n  build:\n    runs-on: ubuntu-latest\n%s    steps:\n      - run: make\n"
	wf := func(top, jobPerms string) string {
		return "on: push\n" + top + strings.Replace(job, "%s", jobPerms, 1)
	}
	tests := []struct {
		name     string
		workflow string
		score    int
	}{
		// Top read-all; the undeclared job inherits it: nothing deducted.
		{"read-all", wf("permissions: read-all\n", ""), 10},
		// Job undeclared, then top undeclared while a job is too → 0.
		{"nothing declared", wf("", ""), 0},
		// write-all at the top with declared jobs: 10 − 0.5 → int 9.
		{"write-all, jobs declared", wf("permissions: write-all\n", "    permissions:\n      contents: read\n"), 9},
		// write-all at the top and a job without permissions → 0.
		{"write-all, job undeclared", wf("permissions: write-all\n", ""), 0},
		// Top-level contents: write costs 10.
		{"top contents write", wf("permissions:\n  contents: write\n", ""), 0},
		// checks and statuses cost 0.5 each: 10 − 1 = 9.
		{"top checks and statuses write", wf("permissions:\n  checks: write\n  statuses: write\n", ""), 9},
		// deployments costs 1: 9.
		{"top deployments write", wf("permissions:\n  deployments: write\n", ""), 9},
		// Top undeclared but the job declares: 10 − 0.5 → 9.
		{"top undeclared, job declared", wf("", "    permissions:\n      contents: read\n"), 9},
		// A job-level write under a read-only top costs nothing (only warned).
		{"job write under read top", wf("permissions:\n  contents: read\n", "    permissions:\n      contents: write\n"), 10},
		// Job findings come first: the job write sees no top-level state,
		// then the undeclared top costs 0.5 → 9.
		{"job write, top undeclared", wf("", "    permissions:\n      packages: write\n"), 9},
		// Writes outside the scored scopes are not counted.
		{"issues write is not scored", wf("permissions:\n  issues: write\n  contents: read\n", ""), 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := factsOf(t, map[string]string{".github/workflows/w.yml": tt.workflow}, Options{Checks: []string{checkTokenPermissions}})
			c := runNamed(t, f, checkTokenPermissions)
			if int(c.Score) != tt.score {
				t.Errorf("score = %v (%s), want %d\n%s", c.Score, c.Reason, tt.score, tt.workflow)
			}
		})
	}
	t.Run("release workflow may write contents in its job", func(t *testing.T) {
		release := `on: push
permissions: read-all
jobs:
  release:
    permissions:
      contents: write
    steps:
      - uses: actions/setup-go@v5
      - uses: goreleaser/goreleaser-action@v6
`
		c := runNamed(t, factsOf(t, map[string]string{".github/workflows/release.yml": release}, Options{}), checkTokenPermissions)
		if c.Score != 10 || len(locsOf(c, R.False)) != 0 {
			t.Errorf("score %v, warnings %v; want 10 and none", c.Score, locsOf(c, R.False))
		}
	})
	t.Run("no workflows", func(t *testing.T) {
		c := runNamed(t, factsOf(t, nil, Options{}), checkTokenPermissions)
		if c.Score != R.Inconclusive {
			t.Errorf("score %v, want inconclusive", c.Score)
		}
	})
}

func TestPinnedDependencies(t *testing.T) {
	const digest = "sha256:45b23dee08af5e43a7fea6c4cf9c25ccf269ee113168c19722f87876677c5cb2"
	tests := []struct {
		name   string
		files  map[string]string
		score  int
		unpins []loc
	}{
		{"actions of both owners", map[string]string{".github/workflows/ci.yml": `on: push
jobs:
  a:
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@` + sha40 + `
      - uses: docker/login-action@v3
      - uses: codecov/codecov-action@` + sha40 + `
      - uses: ./.github/actions/local
`},
			// GitHub-owned 1/2 (weight 2), third-party 1/2 (weight 8):
			// (1·2 + 1·8)·10 / (2·2 + 2·8) = 100/20 = 5.
			5, []loc{{R.False, ".github/workflows/ci.yml", 5}, {R.False, ".github/workflows/ci.yml", 7}}},
		{"only GitHub-owned actions", map[string]string{".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-go@" + sha40 + "\n"},
			// One kind only: weight 10, 1/2 → 5.
			5, []loc{{R.False, ".github/workflows/ci.yml", 5}}},
		{"all pinned", map[string]string{".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@" + sha40 + "\n      - uses: docker://alpine@sha256:45b23dee08af5e43a7fea6c4cf9c25ccf269ee113168c19722f87876677c5cb2\n"},
			10, nil},
		{"images and a piped download", map[string]string{"Dockerfile": "FROM golang:1.22 AS build\nFROM alpine@" + digest + "\nRUN curl -sSL https://example.org/i.sh | sh\n"},
			// containerImage 1/2 and downloadThenRun 0/1, weight 10 each:
			// 10·10 / 30 = 3.
			3, []loc{{R.False, "Dockerfile", 1}, {R.False, "Dockerfile", 3}}},
		{"package managers in a workflow", map[string]string{".github/workflows/build.yml": `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: |
          npm ci
          npm install
          pip install -r requirements.txt
          pip install --require-hashes -r requirements.txt
          go install golang.org/x/tools/cmd/goimports@latest
          go install golang.org/x/tools/cmd/goimports@v0.24.0
      - run: npm install
        shell: pwsh
`},
			// npm 1/2, pip 1/2, go 1/2 (the PowerShell step is not read):
			// 3·10·10 / (6·10) = 5.
			5, []loc{{R.False, ".github/workflows/build.yml", 8}, {R.False, ".github/workflows/build.yml", 9}, {R.False, ".github/workflows/build.yml", 11}}},
		{"downloaded script run later in a script file", map[string]string{"scripts/install.sh": "#!/bin/sh\nwget -O /tmp/i.sh https://example.org/i.sh\nsh /tmp/i.sh\n"},
			0, []loc{{R.False, "scripts/install.sh", 3}}},
		{"test data is not judged", map[string]string{"testdata/Dockerfile": "FROM golang:1.22\n"}, R.Inconclusive, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := runNamed(t, factsOf(t, tt.files, Options{Checks: []string{checkPinnedDependencies}}), checkPinnedDependencies)
			if int(c.Score) != tt.score {
				t.Errorf("score = %v (%s), want %d", c.Score, c.Reason, tt.score)
			}
			if diff := cmp.Diff(tt.unpins, locsOf(c, R.False)); diff != "" {
				t.Errorf("unpinned (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWorkflowTools(t *testing.T) {
	release := "on: push\njobs:\n  r:\n    steps:\n      - uses: actions/setup-go@v5\n      - uses: goreleaser/goreleaser-action@v6\n"
	codeql := "on: push\njobs:\n  a:\n    steps:\n      - uses: github/codeql-action/init@v3\n      - uses: github/codeql-action/analyze@v3\n"
	tests := []struct {
		name  string
		check string
		files map[string]string
		score int
	}{
		{"goreleaser publishes", checkPackaging, map[string]string{".github/workflows/release.yml": release}, 10},
		{"npm publish needs setup-node with a registry", checkPackaging, map[string]string{".github/workflows/p.yml": "on: push\njobs:\n  p:\n    steps:\n      - uses: actions/setup-node@v4\n        with:\n          registry-url: https://registry.example\n      - run: npm publish\n"}, 10},
		{"no publishing is inconclusive", checkPackaging, map[string]string{".github/workflows/ci.yml": codeql}, R.Inconclusive},
		{"CodeQL", checkSAST, map[string]string{".github/workflows/codeql.yml": codeql}, 10},
		{"Sonar in a Maven build", checkSAST, map[string]string{"pom.xml": "<project><properties><sonar.host.url>https://sonar.example</sonar.host.url></properties></project>"}, 10},
		{"no SAST", checkSAST, map[string]string{".github/workflows/r.yml": release}, 0},
		{"go test in a workflow", checkCITests, map[string]string{".github/workflows/t.yml": "on: push\njobs:\n  t:\n    steps:\n      - run: go test ./...\n"}, 10},
		{"GitLab CI runs make check", checkCITests, map[string]string{".gitlab-ci.yml": "test:\n  script:\n    - make -j4 check\n"}, 10},
		{"CI without tests", checkCITests, map[string]string{".github/workflows/r.yml": release}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := runNamed(t, factsOf(t, tt.files, Options{}), tt.check)
			if int(c.Score) != tt.score {
				t.Errorf("%s score = %v (%s), want %d", tt.check, c.Score, c.Reason, tt.score)
			}
		})
	}
}

func TestBrokenWorkflowIsReported(t *testing.T) {
	f := factsOf(t, map[string]string{
		".github/workflows/bad.yml": "on: [push\njobs: {",
		".github/workflows/ok.yml":  "on: push\npermissions: read-all\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@" + sha40 + "\n",
	}, Options{})
	for _, name := range []string{checkDangerousWorkflow, checkTokenPermissions, checkPinnedDependencies} {
		c := runNamed(t, f, name)
		if diff := cmp.Diff([]loc{{R.Error, ".github/workflows/bad.yml", 0}}, locsOf(c, R.Error)); diff != "" {
			t.Errorf("%s errors (-want +got):\n%s", name, diff)
		}
		// The readable workflow is still judged.
		if c.Score != 10 {
			t.Errorf("%s score %v, want 10", name, c.Score)
		}
	}
}
