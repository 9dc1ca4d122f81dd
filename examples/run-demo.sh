#!/bin/sh
# run-demo.sh -- the bundled example study, end to end (called by `make demo`).
# Builds nothing: it runs build/oncostat, which `make` produces, on
# examples/gist-liver-mets/study.yaml and prints where the report is.
set -eu
cd "$(dirname "$0")/.."
bin=${ONCOSTAT:-build/oncostat}
if [ ! -x "$bin" ]; then
    echo "run-demo.sh: $bin not found; run 'make' (or 'make demo') first" >&2
    exit 2
fi
out=out/gist-liver-mets
"$bin" report examples/gist-liver-mets/study.yaml -o "$out"
echo
echo "Open this file in a browser (print it to PDF from there):"
echo "$(cd "$out" && pwd)/report.html"
