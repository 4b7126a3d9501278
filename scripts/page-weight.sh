#!/usr/bin/env bash
# Prints what one page costs over the wire: the HTML and every CSS, JS and wasm file
# it loads, each fetched the way a browser asks for it (brotli, then gzip).
# Usage: scripts/page-weight.sh http://127.0.0.1:3000/articles/send-your-first-invoice
set -euo pipefail
page=${1:?usage: page-weight.sh URL}
origin=$(printf '%s' "$page" | sed -E 's#^(https?://[^/]+).*#\1#')

for encoding in br gzip; do
  total=0
  html=$(curl -fsS --compressed "$page")
  size=$(curl -fsS -H "Accept-Encoding: $encoding" -o /dev/null -w '%{size_download}' "$page")
  printf '%-8s %-60s %8d\n' "$encoding" "${page#"$origin"}" "$size"
  total=$((total + size))
  for asset in $(printf '%s' "$html" | grep -oE '/pkg/[0-9a-z]+/[A-Za-z0-9_.-]+\.(css|js|wasm)' | sort -u); do
    size=$(curl -fsS -H "Accept-Encoding: $encoding" -o /dev/null -w '%{size_download}' "$origin$asset")
    printf '%-8s %-60s %8d\n' "$encoding" "$asset" "$size"
    total=$((total + size))
  done
  printf '%-8s %-60s %8d bytes (%d KB)\n\n' "$encoding" "total" "$total" $((total / 1000))
done
