#!/usr/bin/env bash
# Prints what one page costs over the wire: the HTML and every stylesheet, script and
# preload it loads with it, each fetched the way a browser asks for it (brotli, then
# gzip). The islands' bundle, which a page fetches only when the visitor reaches for
# an island (app/src/pages/islands.js), is listed after, as a separate total.
# Usage: scripts/page-weight.sh http://127.0.0.1:3000/articles/send-your-first-invoice
set -euo pipefail
page=${1:?usage: page-weight.sh URL}
origin=$(printf '%s' "$page" | sed -E 's#^(https?://[^/]+).*#\1#')
html=$(curl -fsS --compressed "$page")
# Files named in href= or src= load with the page; the loader names its bundle as
# plain string arguments, so those are matched by the quotes alone.
with_page=$(printf '%s' "$html" | grep -oE '(href|src)="/pkg/[0-9a-z]+/[A-Za-z0-9_.-]+"' \
  | sed -E 's/^(href|src)="//; s/"$//' | sort -u)
on_reach=$(printf '%s' "$html" | grep -oE '\("/pkg/[0-9a-z]+/[A-Za-z0-9_.-]+\.js", "/pkg/[0-9a-z]+/[A-Za-z0-9_.-]+\.wasm"\)' \
  | grep -oE '/pkg/[0-9a-z]+/[A-Za-z0-9_.-]+' | sort -u || true)

size_of() {
  curl -fsS -H "Accept-Encoding: $1" -o /dev/null -w '%{size_download}' "$2"
}

# Prints each of the files in $3 (indented by $4) and then their total, named $2,
# starting from $5 bytes already counted.
list_and_total() {
  local encoding=$1 label=$2 assets=$3 indent=$4 total=$5 asset size
  for asset in $assets; do
    size=$(size_of "$encoding" "$origin$asset")
    printf '%-8s %s%-*s %8d\n' "$encoding" "$indent" $((60 - ${#indent})) "$asset" "$size"
    total=$((total + size))
  done
  printf '%-8s %-60s %8d bytes (%d KB)\n' "$encoding" "$label" "$total" $((total / 1000))
}

for encoding in br gzip; do
  page_bytes=$(size_of "$encoding" "$page")
  printf '%-8s %-60s %8d\n' "$encoding" "${page#"$origin"}" "$page_bytes"
  list_and_total "$encoding" "the page as read" "$with_page" "" "$page_bytes"
  if [ -n "$on_reach" ]; then
    list_and_total "$encoding" "more once an island is reached for" "$on_reach" "  " 0
  fi
  echo
done
