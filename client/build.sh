#!/usr/bin/env bash
# Bundles the browser scripts into dist/ (docs/benchmarks.md has their sizes):
#   livets.js        the connector alone (IIFE), for hosts other than the
#                    LiveTS server; livets.esm.js the same for bundlers.
#   live.js          what a page the LiveTS server renders loads: its page
#                    layer and the connector in one script;
#   live-<features>.js
#                    the same with the features the page's first render
#                    uses bundled in (one request, one gzip stream): js (JS
#                    commands), upload, hook (hooks and push events),
#                    transition (patches' enter and leave transitions,
#                    which come with js: the page layer names js for them,
#                    and the two are one feature, js-transition-feature.js),
#                    stream (stream operations);
#   js.js, upload.js, hook.js, transition.js, stream.js
#                    each feature alone, loaded on need by a page that
#                    lacks it: live navigation to a page that has it, a
#                    first JS command (js); a view first holding ts-hook or
#                    a first push event (hook: the connector, from beside
#                    its own script, livets.js included); a message or the
#                    page first holding ts-transition (transition: the js
#                    feature); a first stream container or operation
#                    (stream: the page layer);
#   show.js          ts-show and ts-if, which the connector loads from
#                    beside its own script once a view holds either;
#   nav.js           live navigation, which the page layer loads beside
#                    the next page at the first one;
#   poll.js          long polling, which the connector (livets.js or a
#                    page's script) loads from beside its own script once
#                    the WebSocket gives way to it;
#   recover.js       what the user had entered, sent again at a rejoin,
#                    which the connector loads as the socket opens again;
#   refused.js       what a refusal does (a reload, a failed view's
#                    notice), which the page layer loads at the first;
#   upload-external.js
#                    uploads to a storage service, which the uploads load
#                    when the server first hands an entry to an uploader.
# The scripts loaded on need hold back the messages after the one that
# needed them until they have run (index.js, `need`).
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
esbuild="${ESBUILD:-esbuild}"
# Written to a directory of its own, then moved into dist/ file by file
# (each move replaces a file whole): a test reading dist/ while another
# builds it, as node --test may run them, never sees half a script.
out="$(mktemp -d "$dir/.dist-XXXXXX")"
# The sources with their constants written out (inline-constants.mjs).
src="$(mktemp -d)"
trap 'rm -rf "$src" "$out"' EXIT
node "$dir/inline-constants.mjs" "$src"
# Internal property names end in `_`: each becomes a short one, the same in
# every script, since the scripts loaded on need touch the objects of the
# script that loaded them (the page layer's api, a view, a hook set). One
# cache, filled by the builds in turn, gives every script the names the
# ones before it got; dist/mangle-cache.json is what it holds.
cache="$out/mangle-cache.json"
echo '{}' > "$cache"
common=(--bundle --minify --target=es2022 --legal-comments=none --log-level=warning --mangle-props=_\$ --mangle-cache="$cache")
# Feature name -> its entry, in the order page.ts names them.
features=(js upload hook transition stream)
declare -A entry=([js]=js-feature.js [upload]=upload-feature.js [hook]=hook-script.js [transition]=transition-script.js [stream]=stream-script.js)

"$esbuild" "$src/index.js" "${common[@]}" --format=iife --outfile="$out/livets.js"
"$esbuild" "$src/esm.js" "${common[@]}" --format=esm --outfile="$out/livets.esm.js"

for f in poll show nav upload-external; do
  "$esbuild" "$src/$f.js" "${common[@]}" --format=iife --outfile="$out/$f.js"
done
# On-need scripts whose modules keep their names for the tests.
for f in recover refused; do
  "$esbuild" "$src/$f-script.js" "${common[@]}" --format=iife --outfile="$out/$f.js"
done
# Under `livets dev` only: reloads, stylesheet swaps, the error overlay.
"$esbuild" "$src/dev.js" "${common[@]}" --format=iife --outfile="$out/dev.js"
# Loaded once the tab turns the debug log on (LiveTS.debug).
"$esbuild" "$src/debug-feature.js" "${common[@]}" --format=iife --outfile="$out/debug.js"

sizes=(livets.js)
for f in "${features[@]}"; do
  "$esbuild" "$src/${entry[$f]}" "${common[@]}" --format=iife --outfile="$out/$f.js"
done
# Every subset of the features, the empty one (live.js) included, but
# transition without js, which no page is given.
for ((mask = 0; mask < 1 << ${#features[@]}; mask++)); do
  name=live imports=""
  for i in "${!features[@]}"; do
    if ((mask >> i & 1)); then
      name+="-${features[$i]}"
      imports+="import './${entry[${features[$i]}]}'"$'\n'
    fi
  done
  [[ $name == *-transition* && $name != live-js* ]] && continue
  # Both in one feature: no test of each message for transition.js.
  if [[ $name == live-js*-transition* ]]; then
    imports="${imports/js-feature.js/js-transition-feature.js}"
    imports="${imports/import \'.\/transition-script.js\'$'\n'/}"
  fi
  # Features after the page layer, whose `use` they call. Imports from
  # stdin resolve from the working directory.
  printf 'import %s\n%s' "'./page.js'" "$imports" |
    (cd "$src" && "$esbuild" "${common[@]}" --format=iife --sourcefile="entry-$name.js" --outfile="$out/$name.js")
  sizes+=("$name.js")
done
sizes+=("${features[@]/%/.js}" poll.js show.js recover.js refused.js nav.js upload-external.js dev.js debug.js)

# Only what this build wrote: no script of an earlier layout is served.
mkdir -p "$dir/dist"
for f in "$dir"/dist/*; do
  [[ -e $f && ! -e $out/${f##*/} ]] && rm -f "$f"
done
mv -f "$out"/* "$dir/dist/"
for name in "${sizes[@]}"; do
  raw=$(wc -c < "$dir/dist/$name")
  gz=$(gzip -9c < "$dir/dist/$name" | wc -c)
  echo "dist/$name: $raw bytes, $gz bytes gzip -9"
done
