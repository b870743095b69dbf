#!/usr/bin/env bash
# Render a run's report page to a PNG with headless Chromium, to check that it draws.
#
#   scripts/render-report.sh DIR OUT.png [HEIGHT]
#
# DIR is a run folder that holds report/report.html (write it with `negsim report DIR`; this
# script does so when it is missing). The window is 1280 pixels wide and HEIGHT pixels tall;
# by default HEIGHT is the page's own estimate (its `negsim-report-height` comment).
# Chromium: Debian's `chromium` package (apt-get update && apt-get install -y chromium).
# It runs with no network, no GPU, no first-run or background services, in a throwaway profile.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
    echo "usage: $0 DIR OUT.png [HEIGHT]" >&2
    exit 2
fi
dir=$1
out=$2
page="$dir/report/report.html"

browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then
        browser=$b
        break
    fi
done
if [[ -z $browser ]]; then
    echo "error: no chromium found; install it with: apt-get update && apt-get install -y chromium" >&2
    exit 1
fi

if [[ ! -f $page ]]; then
    repo="$(cd "$(dirname "$0")/.." && pwd)"
    cargo run --quiet --release --manifest-path "$repo/Cargo.toml" -- report "$dir"
fi

height=${3:-$(sed -n 's/.*negsim-report-height: \([0-9]*\).*/\1/p' "$page" | head -n 1)}
height=${height:-6000}

abs_page="$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"
mkdir -p "$(dirname "$out")"
abs_out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

flags=(--headless --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --hide-scrollbars
       --user-data-dir="$profile" --screenshot="$abs_out" --window-size="1280,$height")
if [[ $(id -u) -eq 0 ]]; then
    flags+=(--no-sandbox)
fi
"$browser" "${flags[@]}" "file://$abs_page" >/dev/null 2>&1
if [[ ! -s $abs_out ]]; then
    echo "error: chromium wrote no screenshot to $abs_out" >&2
    exit 1
fi
echo "rendered $abs_page -> $abs_out (1280 x $height)"
