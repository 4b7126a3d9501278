#!/usr/bin/env bash
# What each kind of page costs and how Lighthouse scores it, as a table: bytes over
# the wire (brotli, everything loaded until the network is idle, pictures apart),
# and the four Lighthouse categories, on the mobile and the desktop preset.
# Run it against a release build (scripts/serve.sh in another terminal):
#   bash scripts/lighthouse.sh [http://127.0.0.1:3000]
# Each page is measured LIGHTHOUSE_RUNS times (3 unless set) and the run with the
# median performance score is shown, as Lighthouse's own advice on variability has
# it: Total Blocking Time moves by tens of milliseconds between runs on a busy machine.
# Lighthouse 12.2.3 runs on the machine's Node 20 with Debian's chromium; it is
# installed once under target/tools (its own browser download is not used).
set -euo pipefail
cd "$(dirname "$0")/.."

origin=${1:-http://127.0.0.1:3000}
runs=${LIGHTHOUSE_RUNS:-3}
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
    for run in $(seq "$runs"); do
      # Once more if chromium does not start or the page does not settle.
      for attempt in 1 2; do
        "$tools/node_modules/.bin/lighthouse" "$origin$path" "${flags[@]}" --quiet --output=json \
          --output-path="$reports/$name-$preset-$run.json" \
          --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null 2>&1 && break
        [ "$attempt" = 2 ] && { echo "lighthouse failed twice on $origin$path ($preset)" >&2; exit 1; }
      done
    done
  done
done

python3 - "$reports" "$runs" "${pages[@]}" <<'PY'
import glob, json, sys
reports, runs, pages = sys.argv[1], int(sys.argv[2]), [entry.split(" ", 1) for entry in sys.argv[3:]]
categories = ["performance", "accessibility", "best-practices", "seo"]

def median_run(name, preset):
    """The report whose performance score is the median of the page's runs."""
    found = [json.load(open(path)) for path in sorted(glob.glob(f"{reports}/{name}-{preset}-*.json"))]
    found.sort(key=lambda report: report["categories"]["performance"]["score"] or 0)
    return found[len(found) // 2]

def performance_range(name, preset):
    scores = [round(100 * (json.load(open(path))["categories"]["performance"]["score"] or 0))
              for path in glob.glob(f"{reports}/{name}-{preset}-*.json")]
    return f"{min(scores)}–{max(scores)}" if min(scores) != max(scores) else str(scores[0])

print(f"Median of {runs} runs; the performance range over them in brackets.\n")
print("| page | preset | bytes (no pictures) | pictures | " + " | ".join(categories) + " | LCP |")
print("|---|---|---:|---:|" + "---:|" * len(categories) + "---:|")
for name, path in pages:
    for preset in ["mobile", "desktop"]:
        report = median_run(name, preset)
        requests = report["audits"]["network-requests"]["details"]["items"]
        pictures = sum(r.get("transferSize", 0) for r in requests if r.get("resourceType") == "Image")
        rest = sum(r.get("transferSize", 0) for r in requests if r.get("resourceType") != "Image")
        scores = [round(100 * (report["categories"][c]["score"] or 0)) for c in categories]
        lcp = report["audits"]["largest-contentful-paint"]["displayValue"]
        scores[0] = f"{scores[0]} ({performance_range(name, preset)})"
        print(f"| {name} `{path}` | {preset} | {rest:,} | {pictures:,} | " + " | ".join(map(str, scores)) + f" | {lcp} |")
# What keeps a category under 100: each weighted audit that did not pass, once.
missed = {}
for name, path in pages:
    for preset in ["mobile", "desktop"]:
        report = median_run(name, preset)
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
