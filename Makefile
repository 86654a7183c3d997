# ospo's tasks. `make help` lists them.
GO        ?= go
BIN       ?= bin/ospo
FUZZTIME  ?= 20s
CORPUS    ?= $(HOME)/.cache/ospo-corpus
# The PostgreSQL database the store, portfolio, access and job tests use
# beside SQLite (scripts/test-deps.sh starts the server and creates it).
OSPO_TEST_POSTGRES ?= postgres:///test?host=/var/run/postgresql&sslmode=disable
export OSPO_TEST_POSTGRES
PG_SUITES ?= ./internal/vuln/db ./internal/repocheck/monitor

.PHONY: help build test lint fuzz bench bench-peers corpus clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/ospo
	$(GO) build -trimpath -o $(BIN) ./cmd/ospo

test: ## install what the tests need, then run the whole suite (fuzz seeds included) on SQLite and PostgreSQL
	scripts/test-deps.sh
	$(GO) test -count=1 ./...
	# The packages whose whole suite opens one store run again on PostgreSQL
	# (the others run each store test on both dialects already).
	OSPO_TEST_DIALECT=postgres $(GO) test -count=1 $(PG_SUITES)

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt: $$out"; exit 1; fi
	$(GO) vet ./...

fuzz: ## run every fuzz test for FUZZTIME each
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

corpus: ## materialise the real corpora into CORPUS (needs the npm registry and the Go module proxy)
	../shared/corpus/materialize.sh $(CORPUS)

bench: ## Go benchmarks; the corpus ones run when CORPUS holds the corpora
	OSPO_CORPUS=$(CORPUS) $(GO) test -run '^$$' -bench . -benchmem ./...

bench-peers: build ## time ospo against the peers on the corpora (see bench/README.md)
	bench/peers.sh $(CORPUS)

clean: ## remove build output
	rm -rf bin
