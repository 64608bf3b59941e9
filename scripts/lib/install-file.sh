# Sourced by build scripts. install_file SRC DST puts SRC's bytes at DST
# without ever writing into DST's file: a running process that has DST
# mapped (a loaded shared library) keeps its old copy, because the new one
# is a new file renamed over the name. Does nothing when the bytes are equal.
install_file() {
  local src=$1 dst=$2
  if [ -f "$dst" ] && cmp -s "$src" "$dst"; then
    return 0
  fi
  local tmp
  tmp="$(dirname "$dst")/.$(basename "$dst").tmp.$$"
  cp "$src" "$tmp"
  mv -f "$tmp" "$dst"
}
