# The two commands a newcomer needs are `make run` and `make test`; both
# install what they need first.
GO ?= go

# FyneApp.toml holds the version; the build writes it into the binary
# (assets.Version), from where --version, About, SARIF and reports read it.
VERSION := $(shell sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
LDFLAGS := -X github.com/rampart-tm/rampart/assets.Version=$(VERSION)
# Release builds leave out the debugging tables (stack traces stay).
RELEASE := $(LDFLAGS) -s -w
DIST    := dist

.PHONY: deps deps-windows run test bench build crashtest package install uninstall windows darwin

deps:
	@scripts/install-deps.sh

deps-windows:
	@scripts/install-deps.sh --windows

build: deps
	$(GO) build -ldflags '$(LDFLAGS)' -o rampart .

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

# The Linux package: dist/rampart-VERSION-linux-ARCH.tar.gz, which installs
# with `make install` inside it. `make install` here installs it directly.
package: deps
	$(GO) build -ldflags '$(RELEASE)' -o $(DIST)/rampart .
	scripts/package-linux.sh $(DIST)/rampart $(VERSION) $(DIST)

install uninstall: package
	$(MAKE) -C $(DIST)/rampart-$(VERSION)-linux-$(shell $(GO) env GOARCH) $@

# The Windows executable, cross-compiled with mingw-w64 (cgo for Fyne's
# OpenGL driver and SQLite), as a GUI program with its icon and version
# resource. go-winres (pinned in go.mod) writes the resource as a .syso
# that go build links into Windows builds only.
WINDOWS_CC ?= x86_64-w64-mingw32-gcc
windows: deps-windows
	$(GO) tool go-winres simply --arch amd64 --out rsrc --manifest gui --icon assets/icon.png \
		--product-name Rampart --file-description "Rampart threat-modeling editor" \
		--product-version '$(VERSION)' --file-version '$(VERSION)' \
		--original-filename rampart.exe --copyright "Rampart contributors, Apache License 2.0"
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=$(WINDOWS_CC) \
		$(GO) build -ldflags '$(RELEASE) -H=windowsgui' -o rampart.exe .

# On a Mac with Go and Xcode's command-line tools: Rampart.app, packaged by
# the fyne tool (pinned here) from FyneApp.toml; it passes the version on to
# go build from GOFLAGS, and counts Build up in FyneApp.toml.
FYNE := fyne.io/tools/cmd/fyne@v1.7.4
darwin:
	GOFLAGS='$(GOFLAGS) -ldflags=-X=github.com/rampart-tm/rampart/assets.Version=$(VERSION)' \
		$(GO) run $(FYNE) package -os darwin --release
