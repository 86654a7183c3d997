#!/usr/bin/env bash
# Installs and starts what the test suite needs and is not on the machine
# yet: Debian's chromium for the browser tests, git, xmllint for the
# CycloneDX XML schema check, and a running PostgreSQL server with a role
# for the current user and a database named test (the store, portfolio,
# access and job tests run on it as well as on SQLite). Does nothing when
# all is there.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v git >/dev/null 2>&1 || need+=(git)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
command -v pg_dump >/dev/null 2>&1 || need+=(postgresql-client)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test-deps: please install: ${need[*]} (apt-get install ${need[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# PostgreSQL: start the cluster when it is not accepting connections.
if ! pg_isready -q -h /var/run/postgresql 2>/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "test-deps: PostgreSQL is not running; start it (pg_ctlcluster <version> main start)" >&2
    exit 1
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do pg_isready -q -h /var/run/postgresql && break; sleep 1; done
fi
# A role for this user (peer authentication on the socket) and the test
# database.
me=$(id -un)
if ! psql -h /var/run/postgresql -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "test-deps: PostgreSQL has no role for $me; create it (createuser -s $me)" >&2
    exit 1
  fi
  su postgres -c "createuser -s $me" 2>/dev/null || true
fi
if ! psql -h /var/run/postgresql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1; then
  createdb -h /var/run/postgresql test
fi
