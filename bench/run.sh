#!/bin/sh
# run.sh -- every benchmark in turn (see bench/README.md); needs R and GNU time.
# Results are written to bench/results/*.md.
set -e
cd "$(dirname "$0")/.."
for b in csv km cox plot rates bootstrap; do
    if [ -f "bench/$b.sh" ]; then
        echo "== bench/$b.sh"
        sh "bench/$b.sh"
    fi
done
