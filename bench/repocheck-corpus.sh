#!/usr/bin/env bash
# repocheck-corpus.sh [GOMODCACHE] [OUT]
# Builds git repositories from real Go module sources and runs ospo's
# Scorecard-style checks on them, one row per repository. Module zips from
# the module cache (GOMODCACHE, default `go env GOMODCACHE`) carry a
# project's tree but no .git: each is unpacked into OUT (default a new
# temporary directory), made a one-commit repository, and checked. The
# history-based checks therefore see a single commit; the file-based ones
# see the project as published. Missing modules are skipped; fetch them
# with `go mod download MODULE@VERSION` when the proxy is reachable.
set -euo pipefail
CACHE=${1:-$(go env GOMODCACHE)}
OUT=${2:-$(mktemp -d)}
MODULES=(
  go.opentelemetry.io/otel@v1.47.0
  github.com/aws/aws-sdk-go@v1.55.8
  github.com/klauspost/compress@v1.20.3
  github.com/gophercloud/gophercloud/v2@v2.15.0
  github.com/grpc-ecosystem/grpc-gateway/v2@v2.32.0
  github.com/google/go-cmp@v0.7.0
  github.com/golang-jwt/jwt/v5@v5.3.1
  github.com/fxamacker/cbor/v2@v2.9.1
  github.com/go-openapi/validate@v1.0.0
  github.com/google/pprof@v0.0.0-20261016150608-1facf8f91b50
)
# The fixed commit date keeps Maintained reproducible: one commit, now.
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
dirs=()
for m in "${MODULES[@]}"; do
  path=${m%@*}; ver=${m#*@}
  # The module cache escapes upper-case letters as !lower-case.
  esc=$(printf '%s' "$path" | sed 's/[A-Z]/!\L&/g')
  zip=$CACHE/cache/download/$esc/@v/$ver.zip
  if [ ! -f "$zip" ]; then echo "skip $m: no $zip" >&2; continue; fi
  name=$(printf '%s' "$path" | tr '/' '_')
  dir=$OUT/$name
  rm -rf "$dir" "$OUT/.unzip"
  mkdir -p "$OUT/.unzip"
  unzip -q "$zip" -d "$OUT/.unzip"
  mv "$OUT/.unzip/$path@$ver" "$dir"
  rm -rf "$OUT/.unzip"
  (
    cd "$dir"
    export GIT_AUTHOR_NAME=corpus GIT_AUTHOR_EMAIL=corpus@example.org GIT_AUTHOR_DATE=$DATE
    export GIT_COMMITTER_NAME=corpus GIT_COMMITTER_EMAIL=corpus@example.org GIT_COMMITTER_DATE=$DATE
    git init -q -b main .
    git -c core.hooksPath=/dev/null add -A
    git -c core.hooksPath=/dev/null -c commit.gpgsign=false commit -q -m "import $m"
  )
  dirs+=("$dir")
done
cd "$(dirname "$0")/.."
OSPO_REPOCHECK_DIRS="${dirs[*]}" go test -count=1 -run '^TestCorpusTable$' -v ./internal/repocheck/ |
  sed -n 's/^ *corpus_test.go:[0-9]*: //p'
echo "repositories are in $OUT"
