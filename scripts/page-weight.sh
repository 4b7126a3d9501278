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

for encoding in br gzip; do
  total=$(size_of "$encoding" "$page")
  printf '%-8s %-60s %8d\n' "$encoding" "${page#"$origin"}" "$total"
  for asset in $with_page; do
    size=$(size_of "$encoding" "$origin$asset")
    printf '%-8s %-60s %8d\n' "$encoding" "$asset" "$size"
    total=$((total + size))
  done
  printf '%-8s %-60s %8d bytes (%d KB)\n' "$encoding" "the page as read" "$total" $((total / 1000))
  if [ -n "$on_reach" ]; then
    later=0
    for asset in $on_reach; do
      size=$(size_of "$encoding" "$origin$asset")
      printf '%-8s   %-58s %8d\n' "$encoding" "$asset" "$size"
      later=$((later + size))
    done
    printf '%-8s %-60s %8d bytes (%d KB)\n' "$encoding" "more once an island is reached for" "$later" $((later / 1000))
  fi
  echo
done
