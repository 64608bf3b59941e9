#!/usr/bin/env bash
# Builds the WebSocket load generator into .build/tools/wsload.
# usage: tools/wsload/build.sh [OUTPUT]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/.build/tools/wsload}
mkdir -p "$(dirname "$out")"
cc -O2 -g -std=gnu11 -Wall -Wextra -Werror "$here"/*.c -o "$out" -luv -lz -lm
