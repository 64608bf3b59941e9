#!/usr/bin/env bash
# Bundles the browser scripts into dist/ (docs/benchmarks.md has their sizes):
#   livets.js      the connector alone (IIFE), for hosts other than the LiveTS
#                  server; livets.esm.js the same for bundlers.
#   live.js        what every page the LiveTS server renders loads: its page
#                  layer and the connector in one script.
#   js.js          JS commands and transitions, for pages that use them.
#   upload.js      uploads, for pages whose view declares `static uploads`.
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
esbuild="${ESBUILD:-esbuild}"
common=(--bundle --minify --target=es2019 --legal-comments=none --log-level=warning)

"$esbuild" "$dir/src/index.js" "${common[@]}" --format=iife --outfile="$dir/dist/livets.js"
"$esbuild" "$dir/src/index.js" "${common[@]}" --format=esm --outfile="$dir/dist/livets.esm.js"
"$esbuild" "$dir/src/page.js" "${common[@]}" --format=iife --outfile="$dir/dist/live.js"
"$esbuild" "$dir/src/js-feature.js" "${common[@]}" --format=iife --outfile="$dir/dist/js.js"
"$esbuild" "$dir/src/upload-feature.js" "${common[@]}" --format=iife --outfile="$dir/dist/upload.js"

for name in livets.js live.js js.js upload.js; do
  raw=$(wc -c < "$dir/dist/$name")
  gz=$(gzip -9c < "$dir/dist/$name" | wc -c)
  echo "dist/$name: $raw bytes, $gz bytes gzip -9"
done
