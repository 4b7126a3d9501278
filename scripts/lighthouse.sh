#!/usr/bin/env bash
# What each kind of page costs and how Lighthouse scores it, as a table: bytes over
# the wire (brotli, everything loaded until the network is idle, pictures apart),
# and the four Lighthouse categories, on the mobile and the desktop preset.
# Run it against a release build (scripts/serve.sh in another terminal):
#   bash scripts/lighthouse.sh [http://127.0.0.1:3000]
# Lighthouse 12.2.3 runs on the machine's Node 20 with Debian's chromium; it is
# installed once under target/tools (its own browser download is not used).
set -euo pipefail
cd "$(dirname "$0")/.."

origin=${1:-http://127.0.0.1:3000}
tools=target/tools/lighthouse
if [ ! -x "$tools/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent lighthouse@12.2.3
fi
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
curl -fsS -o /dev/null "$origin/" || { echo "nothing answers at $origin: start the portal first (bash scripts/serve.sh)" >&2; exit 1; }

pages=(
  "home /"
  "article /articles/send-your-first-invoice"
  "search /search?q=invoice+reminders"
  "kit /kits/newcomer"
  "task /tasks/request-a-refund"
  "category /categories/getting-paid"
)
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
for entry in "${pages[@]}"; do
  name=${entry%% *}
  path=${entry#* }
  for preset in mobile desktop; do
    flags=()
    [ "$preset" = desktop ] && flags=(--preset=desktop)
    "$tools/node_modules/.bin/lighthouse" "$origin$path" "${flags[@]}" --quiet --output=json \
      --output-path="$reports/$name-$preset.json" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null 2>&1 \
      || { echo "lighthouse failed on $origin$path ($preset)" >&2; exit 1; }
  done
done

python3 - "$reports" "${pages[@]}" <<'PY'
import json, sys
reports, pages = sys.argv[1], [entry.split(" ", 1) for entry in sys.argv[2:]]
categories = ["performance", "accessibility", "best-practices", "seo"]
print("| page | preset | bytes (no pictures) | pictures | " + " | ".join(categories) + " | LCP |")
print("|---|---|---:|---:|" + "---:|" * len(categories) + "---:|")
for name, path in pages:
    for preset in ["mobile", "desktop"]:
        report = json.load(open(f"{reports}/{name}-{preset}.json"))
        requests = report["audits"]["network-requests"]["details"]["items"]
        pictures = sum(r.get("transferSize", 0) for r in requests if r.get("resourceType") == "Image")
        rest = sum(r.get("transferSize", 0) for r in requests if r.get("resourceType") != "Image")
        scores = [round(100 * (report["categories"][c]["score"] or 0)) for c in categories]
        lcp = report["audits"]["largest-contentful-paint"]["displayValue"]
        print(f"| {name} `{path}` | {preset} | {rest:,} | {pictures:,} | " + " | ".join(map(str, scores)) + f" | {lcp} |")
# What keeps a category under 100: each weighted audit that did not pass, once.
missed = {}
for name, path in pages:
    for preset in ["mobile", "desktop"]:
        report = json.load(open(f"{reports}/{name}-{preset}.json"))
        for category in categories:
            for ref in report["categories"][category]["auditRefs"]:
                audit = report["audits"][ref["id"]]
                if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                    missed.setdefault(f"{category}: {audit['title']}", []).append(f"{name} {preset}")
if missed:
    print("\nAudits that cost points:")
    for audit, where in sorted(missed.items()):
        print(f"- {audit} ({', '.join(where)})")
PY
