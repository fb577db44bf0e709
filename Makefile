# Quarry — two commands: `make run` and `make test`. Everything else is here for them.
SHELL := /bin/bash
SWIFT ?= swift
DB ?= quarry.db
RELEASE_BIN := .build/release/quarry
# One release build serves `make run` and `make test`: the tests are built with it and testing
# is enabled, so whichever of the two runs second compiles nothing (`swift test -c release`
# alone would build everything again with other flags, about as long as the first build).
# BUILD_FLAGS="-j 1" keeps a shared machine responsive.
BUILD_FLAGS ?=
RELEASE_BUILD := $(SWIFT) build -c release --build-tests -Xswiftc -enable-testing $(BUILD_FLAGS)

# Debian -dev packages the build links against, and tmux for the terminal end-to-end tests.
DEB_PACKAGES := libsqlite3-dev libncursesw5-dev libreadline-dev libstemmer-dev libroaring-dev \
                libopenblas-dev zlib1g-dev libgeos-dev tmux unzip

.PHONY: all deps build release test run sample model bench bench-large bench-embedded bench-synth clean help proto milvus-lite \
        fuzz fuzz-build fuzz-smoke fuzz-seeds test-asan test-tsan test-asan-short

all: build

help:
	@echo "make run      install what is missing, build release (with the tests), prepare the sample, open the workbench"
	@echo "make test     the whole test suite, on the same release build"
	@echo "make deps     install missing Debian packages (as root or through sudo)"
	@echo "make model    fetch the all-MiniLM-L6-v2 weights into the cache (outside the repo)"
	@echo "make bench    benchmarks; writes BENCHMARKS.md (PEERS_DIR=path/to/peers runs the peers in the same run)"
	@echo "make bench-large  the same at 1M records (import, filters, quarry bench scale at 1M x 384; with PEERS_DIR, BM25 at 1M against tantivy)"
	@echo "make bench-embedded  HNSW against the peers on Debian descriptions embedded by Quarry (~20 min)"
	@echo "make bench-synth     HNSW against the peers on 1M synthetic vectors (~2 h; make_synth.py once)"
	@echo "make fuzz     libFuzzer on each fuzz target for FUZZ_SECONDS (600) each, in .build-fuzz (FUZZ_TARGETS to choose)"
	@echo "make fuzz-smoke  each fuzz target for FUZZ_RUNS (2000) inputs with seed 1: a quick check"
	@echo "make test-asan   the test suite built with AddressSanitizer (.build-asan)"
	@echo "make test-tsan   the test suite built with ThreadSanitizer (.build-tsan)"
	@echo "make test-asan-short  the end-to-end tests against the binary built with AddressSanitizer (CI runs it)"
	@echo "make clean    remove build folders"
	@echo "make milvus-lite  a virtual environment with milvus-lite (the Milvus tests' server), outside the repo"
	@echo "make proto    regenerate Sources/QuarryMilvus/Generated from Proto/milvus (needs protoc; builds the plugins once)"

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
	$(RELEASE_BUILD)

model:
	@bash scripts/fetch-model.sh

# The sample database: SciFact, imported once.
sample: release model
	@if [ ! -f "$(DB)" ]; then bash scripts/make-sample.sh "$(RELEASE_BIN)" "$(DB)"; fi

# SciFact: text, vectors and a query set, so all three columns of the workbench have answers.
run: sample
	@$(RELEASE_BIN) tui --db "$(DB)" --collection scifact

# The Milvus end-to-end tests need milvus-lite; without pip or network they are skipped (with a note).
test: release model
	-@bash scripts/milvus-lite.sh >/dev/null
	$(SWIFT) test -c release --skip-build

bench: release model
	@bash scripts/bench.sh

bench-large: release model
	@FILTER_RECORDS=1000000 IMPORT_RECORDS=1000000 SCALE_RECORDS=1000000 bash scripts/bench.sh

bench-embedded: release model
	@QUARRY_BIN=$(RELEASE_BIN) bash scripts/bench-embedded.sh

# HNSW on 1M synthetic vectors beside hnswlib, faiss and usearch (about two hours on 2 cores).
bench-synth: release
	@QUARRY_BIN=$(RELEASE_BIN) bash scripts/bench-synth.sh

clean:
	rm -rf .build .build-*

# Sanitizers (issue 22): the whole suite, each in its own scratch folder (a full build each, slow);
# the end-to-end tests run the sanitized binary. Leak detection is off: the Swift runtime keeps
# its metadata caches to the end of the process. swiftc has no UndefinedBehaviorSanitizer on
# Linux ("unsupported option '-sanitize=undefined'"); what it would catch in Swift — overflow,
# out-of-bounds indexes, bad conversions — traps in every build already.
# The options ($(3)) are exported to the build and to every test process, the binary's included.
SANITIZED_TEST = export QUARRY_SANITIZER=$(1) $(3); \
                 $(SWIFT) build -c release --build-tests --scratch-path .build-$(1) $(2) -Xswiftc -enable-testing $(BUILD_FLAGS) && \
                 QUARRY_TEST_BINARY=$(CURDIR)/.build-$(1)/release/quarry $(SWIFT) test -c release --skip-build --scratch-path .build-$(1) $(2)

test-asan: deps model
	$(call SANITIZED_TEST,asan,--sanitize=address,ASAN_OPTIONS=detect_leaks=0)

test-tsan: deps model
	$(call SANITIZED_TEST,tsan,--sanitize=thread,TSAN_OPTIONS='halt_on_error=0 suppressions=$(CURDIR)/scripts/tsan-suppressions.txt')

# CI's short ASan run: the binaries alone (quarry, and quarry-mcp that `quarry mcp` starts)
# built with AddressSanitizer in their own scratch folder, and the end-to-end tests of the
# release build run against them: every command, hostile inputs, the REPL and the TUI in tmux.
# The manifest's QUARRY_SANITIZER is given to the build steps only.
test-asan-short: release model
	QUARRY_SANITIZER=asan $(SWIFT) build -c release --product quarry --scratch-path .build-asan --sanitize=address $(BUILD_FLAGS)
	QUARRY_SANITIZER=asan $(SWIFT) build -c release --product quarry-mcp --scratch-path .build-asan --sanitize=address $(BUILD_FLAGS)
	ASAN_OPTIONS=detect_leaks=0 QUARRY_TEST_BINARY=$(CURDIR)/.build-asan/release/quarry $(SWIFT) test -c release --skip-build --filter QuarryEndToEndTests

# Fuzzing (issue 22): one driver, quarry-fuzz, built with libFuzzer and AddressSanitizer in its
# own scratch folder (it compiles the engine again, instrumented); QUARRY_FUZZ_TARGET picks the
# target. `make test` replays the committed corpora and crash inputs without this build.
FUZZ_SECONDS ?= 600
FUZZ_RUNS ?= 2000
FUZZ_TARGETS ?=
FUZZ_BIN := .build-fuzz/release/quarry-fuzz
FUZZ_BUILD := $(SWIFT) build -c release --scratch-path .build-fuzz --product quarry-fuzz \
              -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DQUARRY_LIBFUZZER \
              -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld $(BUILD_FLAGS)

fuzz-build: deps
	$(FUZZ_BUILD)

fuzz: fuzz-build
	@bash scripts/fuzz.sh $(FUZZ_BIN) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	@bash scripts/fuzz.sh $(FUZZ_BIN) smoke $(FUZZ_RUNS) $(FUZZ_TARGETS)

# The segment seeds are made by the engine (a vector chunk, an HNSW graph, IVF lists).
fuzz-seeds: fuzz-build
	$(FUZZ_BIN) --seeds Fuzz/corpus

# milvus-lite 3.2.2 and pymilvus in a virtual environment under ~/.cache/quarry (made once).
milvus-lite:
	@bash scripts/milvus-lite.sh

# The Milvus wire contract: Proto/milvus/*.proto (a subset of milvus-io/milvus-proto) → Swift.
# The generated code is committed, so building never needs protoc. The two protoc plugins are
# built once from swift-protobuf and grpc-swift-protobuf (a few minutes) outside the repository.
PROTOC_PLUGINS ?= $(HOME)/.cache/quarry/protoc-plugins
GRPC_SWIFT_PROTOBUF_VERSION := 2.4.1
PROTO_OUT := Sources/QuarryMilvus/Generated
proto:
	@command -v protoc >/dev/null || { \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq protobuf-compiler; }
	@if [ ! -x "$(PROTOC_PLUGINS)/src/.build/debug/protoc-gen-swift" ] || [ ! -x "$(PROTOC_PLUGINS)/src/.build/debug/protoc-gen-grpc-swift-2" ]; then \
	  mkdir -p "$(PROTOC_PLUGINS)" && rm -rf "$(PROTOC_PLUGINS)/src" && \
	  git clone -q --branch $(GRPC_SWIFT_PROTOBUF_VERSION) https://github.com/grpc/grpc-swift-protobuf "$(PROTOC_PLUGINS)/src" && \
	  (cd "$(PROTOC_PLUGINS)/src" && $(SWIFT) build --product protoc-gen-grpc-swift-2 && $(SWIFT) build --product protoc-gen-swift); \
	fi
	mkdir -p $(PROTO_OUT)
	protoc -I Proto/milvus \
	  --plugin=protoc-gen-swift=$(PROTOC_PLUGINS)/src/.build/debug/protoc-gen-swift \
	  --plugin=protoc-gen-grpc-swift-2=$(PROTOC_PLUGINS)/src/.build/debug/protoc-gen-grpc-swift-2 \
	  --swift_out=$(PROTO_OUT) --swift_opt=Visibility=Internal \
	  --grpc-swift-2_out=$(PROTO_OUT) --grpc-swift-2_opt=Visibility=Internal,Server=false,Client=true \
	  Proto/milvus/common.proto Proto/milvus/schema.proto Proto/milvus/milvus.proto
	rm -f $(PROTO_OUT)/common.grpc.swift $(PROTO_OUT)/schema.grpc.swift
