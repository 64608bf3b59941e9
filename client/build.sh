#!/usr/bin/env bash
# Bundles the connector: dist/livets.js (IIFE, what the core serves at
# /_livets/livets.js) and dist/livets.esm.js (for bundlers).
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
esbuild="${ESBUILD:-esbuild}"
common=(--bundle --minify --target=es2019 --legal-comments=none --log-level=warning)

"$esbuild" "$dir/src/index.js" "${common[@]}" --format=iife --outfile="$dir/dist/livets.js"
"$esbuild" "$dir/src/index.js" "${common[@]}" --format=esm --outfile="$dir/dist/livets.esm.js"
# The LiveTS server's page layer (src/live.js), loaded before livets.js.
"$esbuild" "$dir/src/server-page.js" "${common[@]}" --format=iife --outfile="$dir/dist/live.js"
# Under `livets dev` only: reloads, stylesheet swaps, the error overlay.
"$esbuild" "$dir/src/dev.js" "${common[@]}" --format=iife --outfile="$dir/dist/dev.js"

raw=$(wc -c < "$dir/dist/livets.js")
gz=$(gzip -9c < "$dir/dist/livets.js" | wc -c)
echo "dist/livets.js: $raw bytes, $gz bytes gzip -9"
