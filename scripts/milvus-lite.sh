#!/usr/bin/env bash
# Prepares milvus-lite (a Milvus-protocol server in one process) for the end-to-end tests and
# prints the path of its `milvus-lite` command on stdout.
#
# The virtual environment lives outside the repository, under ${XDG_CACHE_HOME:-~/.cache}/quarry,
# and is made once: later runs only check it. Exit status 1, with the reason on stderr, when
# python3, venv or pip (or the network) is unavailable: the tests then skip the Milvus suite.
set -euo pipefail

VERSION="${MILVUS_LITE_VERSION:-3.2.2}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/quarry"
VENV="${QUARRY_MILVUS_VENV:-$CACHE/milvus-venv}"
BIN="$VENV/bin/milvus-lite"
STAMP="$VENV/.milvus-lite-$VERSION"

if [ -x "$BIN" ] && [ -f "$STAMP" ]; then
  echo "$BIN"
  exit 0
fi

command -v python3 >/dev/null || { echo "milvus-lite: python3 not found" >&2; exit 1; }
mkdir -p "$CACHE"
# A half-made environment from an interrupted run is made again.
rm -rf "$VENV"
if ! python3 -m venv "$VENV" >&2; then
  echo "milvus-lite: python3 -m venv failed (on Debian: apt-get install python3-venv)" >&2
  rm -rf "$VENV"
  exit 1
fi
if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check "milvus-lite==$VERSION" pymilvus >&2; then
  echo "milvus-lite: pip install milvus-lite==$VERSION pymilvus failed (no network or no index?)" >&2
  rm -rf "$VENV"
  exit 1
fi
[ -x "$BIN" ] || { echo "milvus-lite: $BIN missing after install" >&2; exit 1; }
touch "$STAMP"
echo "$BIN"
