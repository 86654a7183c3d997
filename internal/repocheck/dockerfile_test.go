package repocheck

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDockerDependencies(t *testing.T) {
	const digest = "sha256:45b23dee08af5e43a7fea6c4cf9c25ccf269ee113168c19722f87876677c5cb2"
	tests := []struct {
		name, path, content string
		want                []dep
	}{
		{"tag and digest", "Dockerfile",
			"# escape=\\\nFROM golang:1.22 AS build\nRUN go build ./...\nFROM alpine@" + digest + "\nCOPY --from=build /x /x\n",
			[]dep{{depContainerImage, false, 2}, {depContainerImage, true, 4}}},
		{"stage of a pinned image is pinned", "build/Dockerfile.release",
			"FROM --platform=$BUILDPLATFORM golang@" + digest + " AS base\nFROM base\nFROM scratch\n",
			[]dep{{depContainerImage, true, 1}, {depContainerImage, true, 2}}},
		{"download in a continued RUN", "Dockerfile",
			"FROM debian@" + digest + "\nRUN apt-get update && \\\n    curl -fsSL https://example.org/setup.sh | bash -\n",
			[]dep{{depContainerImage, true, 1}, {depDownloadThenRun, false, 2}}},
		{"exec form", "Dockerfile", "FROM node@" + digest + "\nRUN [\"npm\", \"install\"]\n",
			[]dep{{depContainerImage, true, 1}, {depNpm, false, 2}}},
		{"template images are not judged", "Dockerfile.tmpl", "FROM {{ .Image }}\nRUN npm ci\n",
			[]dep{{depNpm, true, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, probs := dockerDependencies(tt.path, tt.content)
			if len(probs) > 0 {
				t.Errorf("problems: %v", probs)
			}
			if diff := cmp.Diff(tt.want, depsOf(got)); diff != "" {
				t.Errorf("dependencies (-want +got):\n%s", diff)
			}
		})
	}
}
