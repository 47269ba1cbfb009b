#!/usr/bin/env python3
"""A retrieval dev set in BEIR layout from Debian's Linux man-pages, for choosing retrieval
parameters (BM25 k1/b, fusion weights) on data that is not an evaluation set.

Each page is one document: its DESCRIPTION section as text (roff markup removed, the first
--max-words words), its name as title. Its query is the one-line summary of its NAME section
("read - read from a file descriptor" -> "read from a file descriptor"), which is not in the
document. Pages that only include another page (.so) or lack either section are skipped.

    apt-get install manpages manpages-dev
    bench/devsets/manpages_beir.py OUT_DIR            # then: ragctl eval OUT_DIR ...

Deterministic for a given package version: pages in path order, every other page (by that order)
when --half is even or odd, so two disjoint halves can be tuned on and checked against.
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import sys

FONT = re.compile(r"\\f[BIRP]|\\f\(..|\\f\[[^]]*\]")
ESCAPES = [(r"\-", "-"), (r"\(em", " - "), (r"\(en", "-"), (r"\e", "\\"), (r"\&", ""), (r"\ ", " "), (r"\~", " "),
           (r"\(aq", "'"), (r"\(dq", '"'), (r"\(lq", '"'), (r"\(rq", '"'), (r"\|", ""), (r"\%", ""), (r"\:", "")]


def plain(line):
    line = FONT.sub("", line)
    for old, new in ESCAPES:
        line = line.replace(old, new)
    return re.sub(r"\\.", "", line)


def sections(text):
    out, name = {}, None
    for raw in text.splitlines():
        if raw.startswith('.\\"') or raw.startswith("'\\\""):
            continue
        if raw.startswith(".SH"):
            name = raw[3:].strip().strip('"').upper()
            out.setdefault(name, [])
            continue
        if name is None:
            continue
        if raw.startswith("."):
            macro, _, rest = raw.partition(" ")
            if macro in (".B", ".I", ".BR", ".IR", ".RB", ".RI", ".BI", ".IB", ".SS", ".TP", ".IP"):
                rest = re.sub(r'"', "", rest)
                if rest:
                    out[name].append(plain(rest))
            continue
        out[name].append(plain(raw))
    return {k: " ".join(" ".join(v).split()) for k, v in out.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--packages", default="manpages,manpages-dev")
    ap.add_argument("--max-words", type=int, default=300)
    ap.add_argument("--half", type=int, choices=(0, 1), help="keep every other page: 0 or 1")
    args = ap.parse_args()
    files = []
    for package in args.packages.split(","):
        listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=True).stdout
        files += [f for f in listing.splitlines() if re.search(r"/man/man\d/[^/]+\.gz$", f)]
    files.sort()
    docs = []
    for path in files:
        with gzip.open(path, "rt", errors="replace") as f:
            text = f.read()
        if re.match(r"\s*\.so ", text):
            continue
        s = sections(text)
        name_line, description = s.get("NAME", ""), s.get("DESCRIPTION", "")
        if " - " not in name_line or len(description.split()) < 20:
            continue
        names, summary = name_line.split(" - ", 1)
        page = os.path.basename(path)[:-3]
        docs.append((page, names.strip(), summary.strip(), " ".join(description.split()[: args.max_words])))
    if args.half is not None:
        docs = docs[args.half::2]
    os.makedirs(os.path.join(args.out, "qrels"), exist_ok=True)
    with open(os.path.join(args.out, "corpus.jsonl"), "w") as corpus, \
         open(os.path.join(args.out, "queries.jsonl"), "w") as queries, \
         open(os.path.join(args.out, "qrels", "test.tsv"), "w") as qrels:
        qrels.write("query-id\tcorpus-id\tscore\n")
        for i, (page, names, summary, description) in enumerate(docs):
            corpus.write(json.dumps({"_id": f"d{i}", "title": page, "text": description}) + "\n")
            queries.write(json.dumps({"_id": f"q{i}", "text": summary}) + "\n")
            qrels.write(f"q{i}\td{i}\t1\n")
    print(f"{len(docs)} documents and queries from {len(files)} pages in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
