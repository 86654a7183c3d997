package repocheck

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dep is a dependency as the tests compare it.
type dep struct {
	Type   string
	Pinned bool
	Line   int
}

func depsOf(ds []dependency) []dep {
	var out []dep
	for _, d := range ds {
		out = append(out, dep{d.Type, d.Pinned, d.Line})
	}
	return out
}

func TestShellDependencies(t *testing.T) {
	tests := []struct {
		name   string
		script string
		want   []dep
	}{
		{"curl piped to bash", "set -e\ncurl -sSL https://example.org/install.sh | bash\n",
			[]dep{{depDownloadThenRun, false, 2}}},
		{"wget piped to sudo sh", "wget -qO- https://example.org/i.sh | sudo sh -s -- -y",
			[]dep{{depDownloadThenRun, false, 1}}},
		{"download then run the file", "wget -O /tmp/i.sh https://example.org/i.sh\nchmod +x /tmp/i.sh\nbash /tmp/i.sh\n",
			[]dep{{depDownloadThenRun, false, 3}}},
		{"redirect then execute", "curl https://example.org/x > x.sh && ./x.sh",
			[]dep{{depDownloadThenRun, false, 1}}}, // paths compare cleaned: ./x.sh is x.sh
		{"redirect then interpreter", "curl https://example.org/x > x.sh; sh x.sh",
			[]dep{{depDownloadThenRun, false, 1}}},
		{"process substitution", "bash <(curl -s https://example.org/i.sh)",
			[]dep{{depDownloadThenRun, false, 1}}},
		{"inside bash -c", `bash -c "curl -s https://example.org/i.sh | bash"`,
			[]dep{{depDownloadThenRun, false, 1}}},
		{"downloaded but not run", "curl -fsSLo go.tgz https://example.org/go.tgz\ntar xzf go.tgz",
			nil},
		{"npm ci and npm install", "npm ci\nnpm install left-pad\n",
			[]dep{{depNpm, true, 1}, {depNpm, false, 2}}},
		{"pip", "pip install -r requirements.txt\npip install --require-hashes -r requirements.txt\npython3 -m pip install build\npip install dist/pkg-1.0-py3-none-any.whl\n",
			[]dep{{depPip, false, 1}, {depPip, true, 2}, {depPip, false, 3}, {depPip, true, 4}}},
		{"go install", "go install golang.org/x/tools/cmd/goimports@latest\n" +
			"go install golang.org/x/tools/cmd/goimports@v0.24.0\n" +
			"go install golang.org/x/tools/cmd/goimports@0123456789abcdef0123456789abcdef01234567\n" +
			"go install ./cmd/tool\n",
			[]dep{{depGo, false, 1}, {depGo, true, 2}, {depGo, true, 3}, {depGo, true, 4}}},
		{"choco", "choco install -y golang\nchoco install golang --requirechecksum\n",
			[]dep{{depChoco, false, 1}, {depChoco, true, 2}}},
		{"comments, quotes and here-documents are not commands",
			"# curl https://example.org | bash\necho 'curl x | bash'\ncat <<EOF\nnpm install x\nEOF\nnpm ci\n",
			[]dep{{depNpm, true, 6}}},
		{"line continuation keeps the first line", "curl -sSL \\\n  https://example.org/i.sh \\\n  | bash\n",
			[]dep{{depDownloadThenRun, false, 1}}},
		{"command substitution", "VERSION=$(curl -s https://example.org/v | sh)\n",
			[]dep{{depDownloadThenRun, false, 1}}},
		{"if block", "if [ -n \"$CI\" ]; then\n  npm install\nfi\n",
			[]dep{{depNpm, false, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newShellAnalysis("x.sh")
			a.analyze(tt.script, 1)
			if diff := cmp.Diff(tt.want, depsOf(a.deps)); diff != "" {
				t.Errorf("dependencies (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIsShellScript(t *testing.T) {
	tests := []struct {
		path, first string
		want        bool
	}{
		{"install.sh", "", true},
		{"install.sh", "#!/usr/bin/env python3", false}, // the shebang decides
		{"bin/tool", "#!/bin/bash -e", true},
		{"bin/tool", "#!/usr/bin/env bash", true},
		{"bin/tool", "#!/bin/zsh", false},
		{"run.bash", "echo", true},
		{"notes.txt", "", false},
	}
	for _, tt := range tests {
		if got := isShellScript(tt.path, tt.first, supportedShells); got != tt.want {
			t.Errorf("isShellScript(%q, %q) = %v, want %v", tt.path, tt.first, got, tt.want)
		}
	}
}

// FuzzParseShell: any text is read without panicking, and every command
// found lies within the text's lines.
func FuzzParseShell(f *testing.F) {
	for _, s := range []string{
		"curl -s https://example.org | bash",
		"cat <<'EOF'\nx\nEOF\nnpm ci",
		"a=\"$(b `c` \"d\")\" e <(f) >g 2>&1 |& h",
		"if x; then (y; { z; }) fi # c",
		"echo \"unterminated",
		"$(($((1+2))))",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		lines := 1
		for _, c := range src {
			if c == '\n' {
				lines++
			}
		}
		a := newShellAnalysis("f.sh")
		a.analyze(src, 1)
		for _, d := range a.deps {
			if d.Line < 1 || d.Line > lines {
				t.Fatalf("dependency at line %d of a %d-line script", d.Line, lines)
			}
		}
	})
}
