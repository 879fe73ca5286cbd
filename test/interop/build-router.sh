#!/usr/bin/env bash
# Builds the real data plane for interop mode from checkouts (nothing from them is copied into this
# repository): Qpid Proton from $PROTON_SRC (statically, as the router's Containerfile does),
# skupper-router from $SKUPPER_ROUTER_SRC against it, and the kube-adaptor from $SKUPPER_SRC.
# Cached outside the clone, keyed by the source commits: a warm start takes seconds, a cold one
# builds only what is missing. Each piece is staged in a temporary folder and renamed into place,
# so an interrupted build is never taken for a cached one. Installs the Debian packages it needs
# (as root). Prints, on stdout, SKROUTERD=, SKSTAT=, ROUTER_HOME= and KUBE_ADAPTOR= lines.
set -euo pipefail
router_src=${SKUPPER_ROUTER_SRC:?SKUPPER_ROUTER_SRC must point at a checkout of github.com/skupperproject/skupper-router (tag 3.5.1)}
proton_src=${PROTON_SRC:?PROTON_SRC must point at a checkout of github.com/apache/qpid-proton (the commit the router pins)}
skupper_src=${SKUPPER_SRC:?SKUPPER_SRC must point at a checkout of github.com/skupperproject/skupper (tag 2.2.1)}
[ -f "$router_src/CMakeLists.txt" ] && [ -d "$router_src/router" ] || { echo "build-router.sh: $router_src is not a skupper-router checkout (no CMakeLists.txt and router/)" >&2; exit 1; }
[ -f "$proton_src/CMakeLists.txt" ] && [ -d "$proton_src/c" ] || { echo "build-router.sh: $proton_src is not a qpid-proton checkout (no CMakeLists.txt and c/)" >&2; exit 1; }
[ -d "$skupper_src/cmd/kube-adaptor" ] || { echo "build-router.sh: $skupper_src is not a Skupper checkout (no cmd/kube-adaptor)" >&2; exit 1; }

jobs=${KUBECTL_SKUPPER_BUILD_JOBS:-2}
platform="$(uname -s | tr A-Z a-z)-$(uname -m)"
router_commit=$(git -C "$router_src" rev-parse HEAD)
router_version=$(git -C "$router_src" describe --tags --always 2>/dev/null || echo "${router_commit:0:12}")
proton_commit=$(git -C "$proton_src" rev-parse HEAD)
skupper_commit=$(git -C "$skupper_src" rev-parse HEAD)
skupper_version=$(git -C "$skupper_src" describe --tags --always 2>/dev/null || echo "${skupper_commit:0:12}")
router_key="skupper-router-$router_version-${router_commit:0:12}-proton-${proton_commit:0:12}-$platform"
adaptor_key="skupper-$skupper_version-${skupper_commit:0:12}-$(go env GOOS)-$(go env GOARCH)" # beside the upstream controller

pick_base() {
  local base
  for base in "${KUBECTL_SKUPPER_CACHE:-}" "${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-skupper" "$(cd "$(dirname "$0")" && pwd)/../../.cache"; do
    [ -n "$base" ] || continue
    if mkdir -p "$base" 2>/dev/null && [ -w "$base" ]; then echo "$(cd "$base" && pwd)"; return; fi
  done
  echo "build-router.sh: no writable cache folder (tried \$KUBECTL_SKUPPER_CACHE, ~/.cache, .cache)" >&2; exit 1
}
base=$(pick_base)
out="$base/$router_key"
adaptor_dir="$base/$adaptor_key"
mkdir -p "$out" "$adaptor_dir"
log() { echo "build-router.sh: $*" >&2; }

need_packages() {
  local missing=() p
  for p in cmake build-essential pkg-config libssl-dev python3-dev uuid-dev libsasl2-dev libwebsockets-dev \
           libnghttp2-dev libunwind-dev python3-qpid-proton; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  [ "$(id -u)" -eq 0 ] || { echo "build-router.sh: missing Debian packages ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2; exit 1; }
  log "installing ${missing[*]} (log: $out/apt.log)"
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$out/apt.log" 2>&1 \
    || { echo "build-router.sh: apt-get failed, see $out/apt.log" >&2; exit 1; }
}

# Proton: a static install used only to build the router (no Python bindings: none are built). gcc 12 trips -Werror in Proton's
# emitters.h (stringop-overflow), hence ENABLE_WARNING_ERROR=OFF.
build_proton() {
  [ -f "$out/proton/lib/cmake/Proton/ProtonConfig.cmake" ] && return
  local started=$SECONDS build="$out/.proton-build" stage="$out/.proton-stage"
  log "building Qpid Proton ${proton_commit:0:12} (about 4 minutes on 2 cores)"
  rm -rf "$build" "$stage"
  nice -n 10 cmake -S "$proton_src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX="$stage" \
    -DBUILD_BINDINGS= -DBUILD_TESTING=OFF -DBUILD_TOOLS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_TLS=ON -DSSL_IMPL=openssl \
    -DBUILD_STATIC_LIBS=ON -DENABLE_LINKTIME_OPTIMIZATION=OFF -DENABLE_WARNING_ERROR=OFF >"$out/proton-build.log" 2>&1 \
    || { log "Proton cmake failed, see $out/proton-build.log"; exit 1; }
  nice -n 10 cmake --build "$build" -j "$jobs" >>"$out/proton-build.log" 2>&1 \
    && nice -n 10 cmake --install "$build" >>"$out/proton-build.log" 2>&1 \
    || { log "Proton build failed, see $out/proton-build.log"; exit 1; }
  # ProtonConfig.cmake locates itself, so the staged install works after the rename.
  rm -rf "$out/proton"; mv "$stage" "$out/proton"; rm -rf "$build"
  log "Proton built in $((SECONDS - started)) s"
}

# The router: its prefix is compiled in (it finds its Python modules there), so it is installed
# with DESTDIR into a stage and the prefix folder renamed into place. gcc 12 trips -Werror in
# src/adaptors/amqp/proxy.c, hence ENABLE_WARNING_ERROR=OFF. It embeds the system Python (not one
# first on PATH, e.g. pyenv's), whose python3-qpid-proton its skstat and skmanage tools need.
build_router() {
  [ -x "$out/router/sbin/skrouterd" ] && return
  local started=$SECONDS build="$out/.router-build" stage="$out/.router-stage"
  log "building skupper-router $router_version (about 2.5 minutes on 2 cores)"
  rm -rf "$build" "$stage"
  # From inside the build folder: the router's CMake writes a config.sh into the working directory.
  mkdir -p "$build"
  (cd "$build" && nice -n 10 cmake -S "$router_src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX="$out/router" \
    -DProton_USE_STATIC_LIBS=ON -DProton_DIR="$out/proton/lib/cmake/Proton" -DVERSION="$router_version" \
    -DBUILD_TESTING=OFF -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=OFF -DENABLE_WARNING_ERROR=OFF -DENABLE_FUZZ_TESTING=OFF \
    -DPython_EXECUTABLE=/usr/bin/python3 \
    >"$out/router-build.log" 2>&1) || { log "router cmake failed, see $out/router-build.log"; exit 1; }
  nice -n 10 cmake --build "$build" -j "$jobs" >>"$out/router-build.log" 2>&1 \
    && DESTDIR="$stage" nice -n 10 cmake --install "$build" >>"$out/router-build.log" 2>&1 \
    || { log "router build failed, see $out/router-build.log"; exit 1; }
  rm -rf "$out/router"; mv "$stage$out/router" "$out/router"; rm -rf "$build" "$stage"
  log "skupper-router built in $((SECONDS - started)) s"
}

build_adaptor() {
  [ -x "$adaptor_dir/kube-adaptor" ] && return
  local started=$SECONDS
  log "building the kube-adaptor ($skupper_version) into $adaptor_dir"
  (cd "$skupper_src" && CGO_ENABLED=0 nice -n 10 go build -p "$jobs" -trimpath \
     -ldflags "-s -w -X github.com/skupperproject/skupper/internal/version.Version=$skupper_version" \
     -o "$adaptor_dir/kube-adaptor.tmp" ./cmd/kube-adaptor) >&2
  mv "$adaptor_dir/kube-adaptor.tmp" "$adaptor_dir/kube-adaptor"
  log "kube-adaptor built in $((SECONDS - started)) s"
}

if ! [ -x "$out/router/sbin/skrouterd" ] || ! [ -x "$adaptor_dir/kube-adaptor" ]; then
  need_packages
  # The Go build and the C builds share the 2 cores: the adaptor builds while Proton and the router do.
  build_adaptor & adaptor_pid=$!
  build_router_chain() { build_proton; build_router; }
  build_router_chain
  wait "$adaptor_pid"
fi
echo "SKROUTERD=$out/router/sbin/skrouterd"
echo "ROUTER_HOME=$out/router"
echo "SKSTAT=$out/router/bin/skstat"
echo "KUBE_ADAPTOR=$adaptor_dir/kube-adaptor"
