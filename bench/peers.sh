#!/usr/bin/env bash
# peers.sh CORPUS [PEERS]
# Times ospo against its peers on the real corpora, one comparison per line
# of the table in the README. CORPUS holds the materialised corpora
# (npm-big, go-big, gomodcache); PEERS the installed peer tools
# (install-peers.sh of the shared bench kit; default CORPUS/../peers).
# SHARED points at the shared bench kit (default ../shared).
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
C=$(cd "$1" && pwd)
P=${2:-$C/../peers}
S=${SHARED:-../shared}
RUNS=${RUNS:-5}
O=$(pwd)/bin/ospo
cmp() { echo "== $1"; "$S/bench/compare.sh" -n "$RUNS" "$2" "$3"; echo; }

cmp "npm-big: license-checker-rseidelsohn" \
  "$O scan --format json $C/npm-big" \
  "node $P/npm/node_modules/license-checker-rseidelsohn/bin/license-checker-rseidelsohn.js --json --start $C/npm-big"
cmp "npm-big: license-checker" \
  "$O scan --format json $C/npm-big" \
  "node $P/npm/node_modules/license-checker/bin/license-checker --json --start $C/npm-big"
cmp "npm-big: syft" \
  "$O scan --format json $C/npm-big" \
  "$P/bin/syft scan dir:$C/npm-big -q -o cyclonedx-json"
cmp "go-big: go-licenses" \
  "GOMODCACHE=$C/gomodcache $O scan --format json $C/go-big" \
  "cd $C/go-big && GOMODCACHE=$C/gomodcache GOFLAGS=-mod=mod GOPROXY=off $P/bin/go-licenses report ./..."
cmp "npm-big: syft, SBOM (CycloneDX JSON)" \
  "$O sbom --format cyclonedx-json $C/npm-big" \
  "$P/bin/syft scan dir:$C/npm-big -q -o cyclonedx-json"
cmp "python (Debian dist-packages): syft, SBOM" \
  "$O sbom --format cyclonedx-json --ecosystem pypi /usr/lib/python3/dist-packages" \
  "$P/bin/syft scan dir:/usr/lib/python3/dist-packages -q -o cyclonedx-json"

# Known vulnerabilities, offline, on the Go records osv-scanner's offline
# database holds (install-peers.sh builds it); ospo imports the same zip.
OSV_ZIP=$P/osvdb/osv-scalibr/Go/all.zip
DB=$(mktemp -d)/ospo.db
$O vulndb import --db "$DB" "$OSV_ZIP" >/dev/null
for corpus in go-vuln go-big; do
  cmp "$corpus: osv-scanner offline (vulnerabilities)" \
    "env GOMODCACHE=$C/gomodcache $O vulns --db $DB -f json $C/$corpus" \
    "sh -c 'cd $C/$corpus && GOMODCACHE=$C/gomodcache GOPROXY=off OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY=$P/osvdb $P/bin/osv-scanner scan source --offline --no-call-analysis=go --format json -L go.mod >/dev/null; true'"
done
