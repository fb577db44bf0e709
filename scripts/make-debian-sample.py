#!/usr/bin/env python3
"""Build Samples/debian/packages.jsonl.gz from this machine's Debian package index.

Reads the binary package index printed by `apt-cache dumpavail` and, when they are present,
the English long descriptions of the index (the Translation-en files that
`apt-get update -o Acquire::Languages=en` downloads), and writes one JSON record per package:

  {"_id": name, "title": name, "text": short + long description,
   "metadata": {"section", "priority", "installed_size" (int, KiB), "depends" (names only),
                "maintainer", "homepage", "version", "architecture", "tags" (debtags, if any)}}

Packages that appear more than once (several suites) keep the highest version, compared with
`dpkg --compare-versions`. Long descriptions are cut to --max-text characters so the sample
stays a few MB. Python standard library only.

Usage: scripts/make-debian-sample.py [--out Samples/debian/packages.jsonl.gz] [--fetch-translations]
"""
import argparse
import glob
import gzip
import json
import os
import re
import subprocess
import sys
from functools import cmp_to_key

LISTS = "/var/lib/apt/lists"


def paragraphs(text):
    """Yields each RFC 822 paragraph as a dict of field -> value (continuation lines kept)."""
    fields, key = {}, None
    for line in text.splitlines():
        if not line.strip():
            if fields:
                yield fields
            fields, key = {}, None
        elif line[0] in " \t" and key:
            fields[key] += "\n" + line[1:]
        else:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    if fields:
        yield fields


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, errors="replace").stdout


def dpkg_compare(a, b):
    if a == b:
        return 0
    return 1 if subprocess.run(["dpkg", "--compare-versions", a, "gt", b]).returncode == 0 else -1


def long_descriptions():
    """Package name -> (md5, long description) from the downloaded Translation-en files."""
    out = {}
    for path in sorted(glob.glob(os.path.join(LISTS, "*_i18n_Translation-en*"))):
        text = run(["/usr/lib/apt/apt-helper", "cat-file", path])
        for p in paragraphs(text):
            desc = p.get("Description-en", "")
            _, _, body = desc.partition("\n")
            lines = [("" if l.strip() == "." else l.strip()) for l in body.split("\n")]
            text = "\n".join(lines).strip()
            out[(p.get("Package"), p.get("Description-md5"))] = text
            out.setdefault((p.get("Package"), None), text)
    return out


def depends_names(field):
    names = []
    for alternative in field.split(","):
        for choice in alternative.split("|"):
            name = re.sub(r"\s*[\(\[<].*$", "", choice.strip()).split(":")[0].strip()
            if name and name not in names:
                names.append(name)
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="Samples/debian/packages.jsonl.gz")
    ap.add_argument("--max-text", type=int, default=160, help="cut text longer than this (characters)")
    ap.add_argument("--fetch-translations", action="store_true",
                    help="run apt-get update -o Acquire::Languages=en first (root)")
    a = ap.parse_args()

    if a.fetch_translations:
        subprocess.run(["apt-get", "update", "-o", "Acquire::Languages=en"], check=True)
    dump = run(["apt-cache", "dumpavail"])
    if "Package:" not in dump:
        subprocess.run(["apt-get", "update"], check=True)
        dump = run(["apt-cache", "dumpavail"])
    longs = long_descriptions()

    best = {}
    for p in paragraphs(dump):
        name = p.get("Package")
        if not name:
            continue
        if name in best and dpkg_compare(p.get("Version", ""), best[name].get("Version", "")) <= 0:
            continue
        best[name] = p

    cut = 0
    with gzip.GzipFile(a.out, "wb", mtime=0) as raw:
        for name in sorted(best):
            p = best[name]
            short = p.get("Description", "").split("\n")[0]
            body = longs.get((name, p.get("Description-md5"))) or longs.get((name, None), "")
            text = short + ("\n" + body if body else "")
            if len(text) > a.max_text:
                text = text[: a.max_text].rsplit(" ", 1)[0] + " …"
                cut += 1
            meta = {"section": p.get("Section"), "priority": p.get("Priority")}
            if p.get("Installed-Size", "").isdigit():
                meta["installed_size"] = int(p["Installed-Size"])
            meta["depends"] = depends_names(p.get("Depends", ""))
            for field, key in (("Maintainer", "maintainer"), ("Homepage", "homepage"),
                               ("Version", "version"), ("Architecture", "architecture")):
                if p.get(field):
                    meta[key] = p[field]
            if p.get("Tag"):
                meta["tags"] = [t.strip() for t in p["Tag"].replace("\n", " ").split(",") if t.strip()]
            meta = {k: v for k, v in meta.items() if v is not None}
            record = {"_id": name, "title": name, "text": text, "metadata": meta}
            raw.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
    print(f"wrote {len(best)} packages ({sum(1 for k in longs if k[1] is None)} long descriptions, {cut} texts cut to "
          f"{a.max_text} characters) -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
