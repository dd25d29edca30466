# The two commands a newcomer needs are `make run` and `make test`; both
# install what they need first.
GO ?= go

.PHONY: deps run test bench build crashtest

deps:
	@scripts/install-deps.sh

build: deps
	$(GO) build -o rampart .

run: build
	./rampart

test: deps
	$(GO) vet ./...
	$(GO) test ./...

# Every benchmark in the repository, as one table.
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./... | tee bench.txt | scripts/bench-table.sh

# The full crash-safety run: 200 SIGKILLs of an editing process.
crashtest: deps
	RAMPART_KILLS=200 $(GO) test -run 'TestCrashSafetyUnderKill' -v -count=1 ./storage/
