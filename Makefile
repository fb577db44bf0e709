# Quarry — two commands: `make run` and `make test`. Everything else is here for them.
SHELL := /bin/bash
SWIFT ?= swift
DB ?= quarry.db
RELEASE_BIN := .build/release/quarry
PEERS_DIR ?= ../shared/peers

# Debian -dev packages the build links against, and tmux for the terminal end-to-end tests.
DEB_PACKAGES := libsqlite3-dev libncursesw5-dev libreadline-dev libstemmer-dev libroaring-dev \
                libopenblas-dev zlib1g-dev tmux unzip

.PHONY: all deps build release test run sample model bench bench-large clean help

all: build

help:
	@echo "make run      install what is missing, build release, prepare the sample, open the workbench"
	@echo "make test     the whole test suite (release build)"
	@echo "make deps     install missing Debian packages (as root or through sudo)"
	@echo "make model    fetch the all-MiniLM-L6-v2 weights into the cache (outside the repo)"
	@echo "make bench    benchmarks; writes BENCHMARKS.md"
	@echo "make clean    remove build folders"

# Installs only what is missing, so repeated runs are fast; apt-get update runs first only then.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

model:
	@bash scripts/fetch-model.sh

# The sample database: SciFact, imported once.
sample: release model
	@if [ ! -f "$(DB)" ]; then bash scripts/make-sample.sh "$(RELEASE_BIN)" "$(DB)"; fi

run: sample
	@$(RELEASE_BIN) tui --db "$(DB)"

test: deps model
	$(SWIFT) test -c release

bench: release model
	@bash scripts/bench.sh

bench-large: release model
	@FILTER_RECORDS=1000000 IMPORT_RECORDS=1000000 bash scripts/bench.sh

clean:
	rm -rf .build .build-*
