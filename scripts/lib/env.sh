# Sourced by the scripts: the repo root and the toolchain paths they share.
LIVETS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export LIVETS_ROOT
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
# Debian's node modules (typescript, ws) live here.
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
# Quiet a command unless it fails; then show what it printed.
quiet() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}
