#!/usr/bin/env bash
# Builds macho-check from this pinned module (go.mod, go.sum) into a cache folder keyed by the hash
# of go.sum and main.go, so a fresh clone on the same machine reuses it. Prints the binary's path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
key="macho-check-$(cat "$here/go.sum" "$here/main.go" | sha256sum | cut -c1-16)-$(go env GOOS)-$(go env GOARCH)"
for base in "${KUBECTL_SKUPPER_CACHE:-}" "${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-skupper" "$here/../../../.cache"; do
  [ -n "$base" ] || continue
  if mkdir -p "$base/$key" 2>/dev/null && [ -w "$base/$key" ]; then out=$(cd "$base/$key" && pwd); break; fi
done
[ -n "${out:-}" ] || { echo "build.sh: no writable cache folder (tried \$KUBECTL_SKUPPER_CACHE, ~/.cache, .cache)" >&2; exit 1; }
if [ ! -x "$out/macho-check" ]; then
  echo "building macho-check (github.com/blacktop/go-macho) into $out" >&2
  (cd "$here" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w" -o "$out/macho-check.tmp" .)
  mv "$out/macho-check.tmp" "$out/macho-check"
fi
echo "$out/macho-check"
