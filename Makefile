# Sextant's build, run, test and bench entry points. Every target works on a
# fresh checkout once .ci/run's packages are installed (Go, Node, Python,
# Debian's chromium).

GO        ?= go
BIN       := bin/sextant
UI_DIR    := server/ui
GOLANGCI  ?= $(shell command -v golangci-lint 2>/dev/null || echo $(HOME)/go/bin/golangci-lint)
PYTHON    ?= python3

.PHONY: all build ui run demo test go-test lint ui-test e2e py-test bench bench-full bench-go bench-codec bench-engine bench-query fuzz clean

all: build

# ui builds the web app into server/ui/dist, which the Go binary embeds.
ui:
	cd $(UI_DIR) && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build

build: ui
	$(GO) build -o $(BIN) ./cmd/sextant

# run builds everything and starts the server with its embedded store in
# ./data, on http://127.0.0.1:8080.
run: build
	./$(BIN) serve

# demo serves ./data like run, and fills the project "demo" with a
# learning-rate sweep (filling twice changes nothing).
demo: build
	./$(BIN) demo

test: build lint go-test ui-test e2e py-test

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "not gofmt-formatted:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	cd bench && $(GO) vet ./...
	$(GOLANGCI) run ./...
	cd bench && $(GOLANGCI) run ./...
	cd $(UI_DIR) && npm run lint

go-test:
	$(GO) test -count=1 ./...
	cd bench && $(GO) test -count=1 ./...

ui-test:
	cd $(UI_DIR) && npm test

e2e: build
	cd $(UI_DIR) && SEXTANT_BIN=$(CURDIR)/$(BIN) npm run test:e2e

py-test: build
	SEXTANT_BIN=$(CURDIR)/$(BIN) $(PYTHON) -m pytest -q client/python/tests

bench: build
	cd bench && $(GO) run ./cmd/sextant-bench
	cd $(UI_DIR) && SEXTANT_BIN=$(CURDIR)/$(BIN) npm run bench

# bench-full runs the chart phase at the size of the targets: 100 runs of
# a million points each (2 minutes on an idle 2-core machine, 15 on a busy
# one).
bench-full: build
	cd bench && $(GO) run ./cmd/sextant-bench -phases chart -runs 100 -points 1000000 \
	  -queries 100 -query-budget 60s -out bench-results-full.md

# bench-go runs the Go benchmarks of the bench module's pieces.
bench-go:
	cd bench && $(GO) test -run '^$$' -bench . -benchtime 3x ./...

# bench-codec compares the block codec's CPU cost per point.
bench-codec:
	$(GO) test ./engine/block -run XXX -bench 'Encode|Summary' -benchtime 2s -count 3 -cpu 1

# bench-engine runs the store's Go benchmarks (Append, Runs, Scan, Read).
bench-engine:
	$(GO) test ./engine -run XXX -bench '^BenchmarkAppend$$|Runs|Scan|Read' -benchtime 300x

# bench-query runs the query layer's Go benchmarks (M4 from summaries,
# filtering and sorting 100,000 runs).
bench-query:
	$(GO) test ./query/ -run XXX -bench . -benchtime 10x

# fuzz runs each fuzz target (block codec, ingest parser) for 30 seconds.
fuzz:
	$(GO) test ./engine/block -run XXX -fuzz=FuzzRoundTrip -fuzztime 30s
	$(GO) test ./engine/block -run XXX -fuzz=FuzzDecode -fuzztime 30s
	$(GO) test ./engine/block -run XXX -fuzz=FuzzSummaryDecode -fuzztime 30s
	$(GO) test ./server/ingest -run XXX -fuzz=FuzzParse -fuzztime 30s
	$(GO) test ./server/ingest -run XXX -fuzz=FuzzDecimal -fuzztime 30s

clean:
	rm -rf bin $(UI_DIR)/dist
