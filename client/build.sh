#!/usr/bin/env bash
# Bundles the browser scripts into dist/ (docs/benchmarks.md has their sizes):
#   livets.js        the connector alone (IIFE), for hosts other than the
#                    LiveTS server; livets.esm.js the same for bundlers.
#   live.js          what a page the LiveTS server renders loads: its page
#                    layer and the connector in one script;
#   live-js.js, live-upload.js, live-js-upload.js
#                    the same with the features the page uses bundled in
#                    (one request, one gzip stream);
#   js.js, upload.js each feature alone, loaded by a page that lacks it
#                    when it needs it (live navigation, a first JS command).
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
esbuild="${ESBUILD:-esbuild}"
common=(--bundle --minify --target=es2019 --legal-comments=none --log-level=warning)
# Feature name -> its entry, in the order page.ts names them.
features=(js upload)
declare -A entry=([js]=js-feature.js [upload]=upload-feature.js)

"$esbuild" "$dir/src/index.js" "${common[@]}" --format=iife --outfile="$dir/dist/livets.js"
"$esbuild" "$dir/src/index.js" "${common[@]}" --format=esm --outfile="$dir/dist/livets.esm.js"
# Under `livets dev` only: reloads, stylesheet swaps, the error overlay.
"$esbuild" "$dir/src/dev.js" "${common[@]}" --format=iife --outfile="$dir/dist/dev.js"
# Loaded once the tab turns a debug tool on (LiveTS.debug, LiveTS.latencySim).
"$esbuild" "$dir/src/debug-feature.js" "${common[@]}" --format=iife --outfile="$dir/dist/debug.js"

sizes=(livets.js)
for f in "${features[@]}"; do
  "$esbuild" "$dir/src/${entry[$f]}" "${common[@]}" --format=iife --outfile="$dir/dist/$f.js"
done
# Every subset of the features, the empty one (live.js) included.
for ((mask = 0; mask < 1 << ${#features[@]}; mask++)); do
  name=live imports=""
  for i in "${!features[@]}"; do
    if ((mask >> i & 1)); then
      name+="-${features[$i]}"
      imports+="import './${entry[${features[$i]}]}'"$'\n'
    fi
  done
  # Features after the page layer, whose `use` they call. Imports from
  # stdin resolve from the working directory.
  printf 'import %s\n%s' "'./page.js'" "$imports" |
    (cd "$dir/src" && "$esbuild" "${common[@]}" --format=iife --sourcefile="entry-$name.js" --outfile="$dir/dist/$name.js")
  sizes+=("$name.js")
done
sizes+=("${features[@]/%/.js}" dev.js debug.js)

for name in "${sizes[@]}"; do
  raw=$(wc -c < "$dir/dist/$name")
  gz=$(gzip -9c < "$dir/dist/$name" | wc -c)
  echo "dist/$name: $raw bytes, $gz bytes gzip -9"
done
