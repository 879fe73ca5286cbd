#!/usr/bin/env bash
# npm run test:krew: the release archives install with krew and the plugin runs without Node.
#   1. builds krew v0.5.0 and validate-krew-manifest from Go modules, cached in
#      ~/.cache/kubectl-skupper/krew-v0.5.0/ (or .cache/krew-v0.5.0/ in the repository);
#   2. validates plugin.yaml, then validates a copy whose URIs point at dist/ served on 127.0.0.1,
#      which makes the validator install every platform (KREW_OS/KREW_ARCH) and check LICENSE;
#   3. installs every platform of the manifest with `kubectl krew install --manifest --archive`
#      and KREW_OS/KREW_ARCH, each into its own KREW_ROOT, and checks the installed executable's
#      header (ELF/Mach-O/PE) and CPU; KUBECTL_SKUPPER_KREW_KEEP=DIR keeps those roots in
#      DIR/<os>-<arch> for the caller to inspect. Then runs the linux/amd64 one's
#      `kubectl skupper version` through kubectl's plugin discovery with a PATH that has kubectl
#      and the krew bin directory only (no node anywhere);
#   4. with a cluster (TEST_KUBECONFIG=FILE or --kubeconfig FILE): kubectl skupper site status -n west.
# Needs dist/ and plugin.yaml from `npm run package`; go (the Go module proxy) for step 1.
# Prints PASS/FAIL/SKIP lines; exits non-zero if anything failed.
set -u -o pipefail

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
KREW_VERSION=v0.5.0
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
skip() { echo "SKIP: $*"; }
die() { echo "FAIL: $*"; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --kubeconfig) TEST_KUBECONFIG=${2:?--kubeconfig needs a file}; shift 2 ;;
    --kubeconfig=*) TEST_KUBECONFIG=${1#*=}; shift ;;
    *) die "unknown argument $1 (usage: krew-install.sh [--kubeconfig FILE])" ;;
  esac
done

version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$root/package.json")
archive="$root/dist/kubectl-skupper-linux-amd64.tar.gz"
manifest=${KUBECTL_SKUPPER_MANIFEST:-$root/plugin.yaml}
[ -f "$archive" ] && [ -f "$manifest" ] || die "no $archive or plugin.yaml: run \"npm run package\" first"
kubectl_bin=$(command -v kubectl) || die "kubectl is not on PATH"
node_bin="$root/node_modules/node/bin/node" # only to serve dist/ over HTTP, never for the plugin
[ -x "$node_bin" ] || die "run \"npm ci\" first"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kubectl-skupper-krew.XXXXXX")
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. krew and its manifest validator, built once. `go install krew@v0.5.0` does not work through
# this proxy (it asks for the module's version list), so build them in a wrapper module.
cache_base=${KUBECTL_SKUPPER_CACHE:-$HOME/.cache/kubectl-skupper}
if ! mkdir -p "$cache_base" 2>/dev/null || [ ! -w "$cache_base" ]; then cache_base="$root/.cache"; fi
krew_dir="$cache_base/krew-$KREW_VERSION"
if [ ! -x "$krew_dir/krew" ] || [ ! -x "$krew_dir/validate-krew-manifest" ]; then
  command -v go >/dev/null || die "go is needed to build krew $KREW_VERSION"
  echo "building krew $KREW_VERSION into $krew_dir"
  mod="$tmp/krew-build"
  mkdir -p "$mod" "$krew_dir"
  printf 'module kubectl-skupper/krew-build\n\ngo 1.22\n\nrequire sigs.k8s.io/krew %s\n' "$KREW_VERSION" > "$mod/go.mod"
  (cd "$mod" && CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=mod" go build -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/krew/internal/version.gitTag=$KREW_VERSION" \
    -o "$krew_dir/" sigs.k8s.io/krew/cmd/krew sigs.k8s.io/krew/cmd/validate-krew-manifest) ||
    die "could not build krew $KREW_VERSION"
fi
pass "krew $KREW_VERSION and validate-krew-manifest in $krew_dir"

# kubectl finds krew as the plugin kubectl-krew.
mkdir -p "$tmp/tools"
ln -s "$kubectl_bin" "$tmp/tools/kubectl"
ln -s "$krew_dir/krew" "$tmp/tools/kubectl-krew"
tools_path="$tmp/tools:/usr/bin:/bin"

# 2a. The manifest as released (its file name must be <plugin name>.yaml).
mkdir -p "$tmp/manifest"
cp "$manifest" "$tmp/manifest/skupper.yaml"
if out=$("$krew_dir/validate-krew-manifest" -manifest "$tmp/manifest/skupper.yaml" -skip-install 2>&1); then
  pass "validate-krew-manifest plugin.yaml"
else
  fail "validate-krew-manifest plugin.yaml:"; echo "$out" | sed 's/^/    /'
fi

# The krew-release-bot template, filled in the way the bot fills it in, validates too.
mkdir -p "$tmp/template"
sed -E -e "s#\{\{ *addURIAndSha \"(.*)\{\{ \.TagName \}\}(.*)\" \.TagName *\}\}#uri: \1v$version\2\n    sha256: $(printf '%064d' 0 | tr 0 a)#" \
  -e "s#\{\{ \.TagName \}\}#v$version#" "$root/krew-manifest/.krew.yaml" > "$tmp/template/skupper.yaml"
if ! grep -q '{{' "$tmp/template/skupper.yaml" &&
  out=$("$krew_dir/validate-krew-manifest" -manifest "$tmp/template/skupper.yaml" -skip-install 2>&1); then
  pass "validate-krew-manifest krew-manifest/.krew.yaml (rendered for v$version)"
else
  fail "krew-manifest/.krew.yaml does not render to a valid manifest:"; echo "${out:-}" | tail -3 | sed 's/^/    /'
fi

# 2b. The same manifest with URIs on a local HTTP server: the validator installs every platform.
"$node_bin" -e '
  const http = require("node:http"), fs = require("node:fs"), path = require("node:path");
  const dir = process.argv[1];
  const server = http.createServer((req, res) => {
    const file = path.join(dir, path.basename(decodeURIComponent(req.url.split("?")[0])));
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) { res.writeHead(404).end(); return; }
      res.writeHead(200, { "content-length": st.size });
      fs.createReadStream(file).pipe(res);
    });
  });
  server.listen(0, "127.0.0.1", () => fs.writeFileSync(process.argv[2], String(server.address().port)));
' "$root/dist" "$tmp/port" &
server_pid=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
if [ -s "$tmp/port" ]; then
  mkdir -p "$tmp/served"
  "$node_bin" "$root/krew-manifest/generate.mjs" --uri-base "http://127.0.0.1:$(cat "$tmp/port")" \
    --out "$tmp/served/skupper.yaml" --manifest-only 2>/dev/null
  platforms=$(grep -c '^  - selector:' "$tmp/served/skupper.yaml")
  if out=$(env -i PATH="$tools_path" HOME="$tmp" KREW_NO_UPGRADE_CHECK=1 \
    "$krew_dir/validate-krew-manifest" -manifest "$tmp/served/skupper.yaml" 2>&1) &&
    echo "$out" | grep -q "all $platforms spec.platforms installed fine"; then
    pass "validate-krew-manifest installed all $platforms platforms from dist/ and found LICENSE in each"
  else
    fail "validate-krew-manifest with installs:"; echo "$out" | tail -20 | sed 's/^/    /'
  fi
else
  fail "could not start the HTTP server for dist/"
fi

# 3. Install every platform with krew, as a user on that platform would from the release, and
# check what lands in bin/ is that platform's executable.
# Prints "<format> <cpu>" of an executable from its header: ELF e_machine, Mach-O cputype, PE Machine.
header_kind() {
  local f=$1 magic
  magic=$(od -An -tx1 -N4 "$f" | tr -d ' \n')
  case "$magic" in
    7f454c46) case $(od -An -tu2 -j18 -N2 "$f" | tr -d ' ') in 62) echo "ELF x86-64" ;; 183) echo "ELF arm64" ;; *) echo "ELF other" ;; esac ;;
    cffaedfe) case $(od -An -tx1 -j4 -N4 "$f" | tr -d ' \n') in 07000001) echo "Mach-O x86-64" ;; 0c000001) echo "Mach-O arm64" ;; *) echo "Mach-O other" ;; esac ;;
    4d5a*)
      local pe
      pe=$(od -An -tu4 -j60 -N4 "$f" | tr -d ' ')
      if [ "$(od -An -tx1 -j"$pe" -N4 "$f" | tr -d ' \n')" = 50450000 ]; then
        case $(od -An -tx1 -j$((pe + 4)) -N2 "$f" | tr -d ' \n') in 6486) echo "PE x86-64" ;; 64aa) echo "PE arm64" ;; *) echo "PE other" ;; esac
      else echo "unknown other"; fi ;;
    *) echo "unknown other" ;;
  esac
}
# What each krew platform must get: darwin/arm64 gets the x86-64 build unless dist/ has a native one.
expected_kind() {
  case "$1/$2" in
    linux/amd64) echo "ELF x86-64" ;;
    linux/arm64) echo "ELF arm64" ;;
    darwin/amd64) echo "Mach-O x86-64" ;;
    darwin/arm64) [ -f "$root/dist/kubectl-skupper-darwin-arm64.tar.gz" ] && echo "Mach-O arm64" || echo "Mach-O x86-64" ;;
    windows/amd64) echo "PE x86-64" ;;
    *) echo "unexpected platform" ;;
  esac
}
keep=${KUBECTL_SKUPPER_KREW_KEEP:-$tmp/platforms}
selectors=$(awk '/^        os: /{os=$2} /^        arch: /{print os "/" $2}' "$manifest")
[ -n "$selectors" ] || fail "no platform selectors in $manifest"
for platform in $selectors; do
  os=${platform%/*} arch=${platform#*/}
  # The archive the manifest's uri names for this platform (darwin/arm64 may name darwin/amd64's).
  name=$(awk -v os="$os" -v arch="$arch" '/^        os: /{o=$2} /^        arch: /{a=$2} /^    uri: /{if (o==os && a==arch) {n=split($2, p, "/"); print p[n]}}' "$manifest")
  krew_root="$keep/$os-$arch"
  rm -rf "$krew_root"
  if [ ! -f "$root/dist/$name" ]; then
    fail "$os/$arch: dist/$name is missing (npm run package builds it)"
    continue
  fi
  if ! out=$(env -i PATH="$tools_path" HOME="$tmp" KREW_ROOT="$krew_root" KREW_OS="$os" KREW_ARCH="$arch" KREW_NO_UPGRADE_CHECK=1 \
    kubectl krew install --manifest="$manifest" --archive="$root/dist/$name" 2>&1); then
    fail "KREW_OS=$os KREW_ARCH=$arch kubectl krew install --archive=$name:"; echo "$out" | tail -5 | sed 's/^/    /'
    continue
  fi
  exe=$krew_root/store/skupper/v$version/kubectl-skupper
  [ "$os" = windows ] && exe=$exe.exe
  got=$([ -f "$exe" ] && header_kind "$exe" || echo "nothing installed")
  want=$(expected_kind "$os" "$arch")
  if [ "$got" = "$want" ] && [ -f "$krew_root/store/skupper/v$version/LICENSE" ] && [ -e "$krew_root/bin/kubectl-skupper${exe##*kubectl-skupper}" ]; then
    pass "KREW_OS=$os KREW_ARCH=$arch kubectl krew install --archive=$name: $got executable, LICENSE, bin/ link"
  else
    fail "KREW_OS=$os KREW_ARCH=$arch kubectl krew install --archive=$name gave $got (expected $want), LICENSE or bin/ link missing"
  fi
done

# The linux/amd64 install is the one this machine runs, as a user would from the release.
export KREW_ROOT="$tmp/krew-root"
if out=$(env -i PATH="$tools_path" HOME="$tmp" KREW_ROOT="$KREW_ROOT" KREW_NO_UPGRADE_CHECK=1 \
  kubectl krew install --manifest="$manifest" --archive="$archive" 2>&1); then
  pass "kubectl krew install --manifest=plugin.yaml --archive=$(basename "$archive")"
else
  die "kubectl krew install:"$'\n'"$(echo "$out" | sed 's/^/    /')"
fi
[ -L "$KREW_ROOT/bin/kubectl-skupper" ] && [ -f "$KREW_ROOT/store/skupper/v$version/LICENSE" ] &&
  pass "krew linked \$KREW_ROOT/bin/kubectl-skupper and installed LICENSE" ||
  fail "krew did not lay out bin/kubectl-skupper and store/skupper/v$version/LICENSE"

# A PATH with nothing but kubectl and krew's bin directory: /usr/bin has a node on this machine.
mkdir -p "$tmp/no-node"
ln -s "$kubectl_bin" "$tmp/no-node/kubectl"
plugin_path="$KREW_ROOT/bin:$tmp/no-node"
plugin_env=(env -i PATH="$plugin_path" HOME="$tmp/home" KREW_ROOT="$KREW_ROOT")
[ -n "${KUBECONFIG:-}" ] && plugin_env+=(KUBECONFIG="$KUBECONFIG")
if "${plugin_env[@]}" /bin/sh -c 'command -v node' >/dev/null 2>&1; then
  fail "node is reachable on the test PATH $plugin_path"
else
  pass "no node on PATH=$plugin_path"
fi

out=$("${plugin_env[@]}" "$kubectl_bin" plugin list 2>&1)
echo "$out" | grep -q "$KREW_ROOT/bin/kubectl-skupper" && pass "kubectl plugin list finds kubectl-skupper" ||
  fail "kubectl plugin list: $out"

if out=$("${plugin_env[@]}" kubectl skupper version 2>&1) && [[ "$out" == "kubectl-skupper $version "* ]]; then
  pass "kubectl skupper version: $out"
else
  fail "kubectl skupper version (exit $?): $out"
fi
if out=$("${plugin_env[@]}" kubectl skupper --help 2>&1) && echo "$out" | grep -q 'kubectl skupper'; then
  pass "kubectl skupper --help names the command \"kubectl skupper\""
else
  fail "kubectl skupper --help: $(echo "$out" | head -5)"
fi
"${plugin_env[@]}" kubectl skupper no-such-command >/dev/null 2>&1
code=$?
[ "$code" -eq 2 ] && pass "kubectl passes the plugin's exit code through (usage error: 2)" ||
  fail "kubectl skupper no-such-command exited $code, expected 2"

# Other platforms' binaries, when this machine can run them (qemu-user with an arm64 sysroot).
arm64_bin="$root/dist/kubectl-skupper-linux-arm64"
if [ -f "$arm64_bin" ] && command -v qemu-aarch64 >/dev/null && [ -d /usr/aarch64-linux-gnu ]; then
  if out=$(env -i QEMU_LD_PREFIX=/usr/aarch64-linux-gnu qemu-aarch64 "$arm64_bin" version 2>&1) &&
    [[ "$out" == "kubectl-skupper $version "*"linux/arm64)" ]]; then
    pass "linux/arm64 binary under qemu: $out"
  else
    fail "linux/arm64 binary under qemu: $out"
  fi
  if [ -n "${TEST_KUBECONFIG:-}" ]; then
    if out=$(env -i QEMU_LD_PREFIX=/usr/aarch64-linux-gnu qemu-aarch64 "$arm64_bin" link status --kubeconfig "$TEST_KUBECONFIG" -n west 2>&1); then
      pass "linux/arm64 binary under qemu: link status --kubeconfig $TEST_KUBECONFIG -n west"
    else
      fail "linux/arm64 binary under qemu: link status -n west:"; echo "$out" | sed 's/^/    /'
    fi
  fi
else
  skip "linux/arm64 binary not run (needs qemu-aarch64 and /usr/aarch64-linux-gnu: apt-get install qemu-user libc6-arm64-cross libstdc++6-arm64-cross)"
fi

# What cannot run here (Windows) is checked statically: postject flipped Node's SEA fuse and the
# application is inside.
for exe in "$root"/dist/kubectl-skupper-windows-*.exe; do
  [ -f "$exe" ] || continue
  if grep -qa 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1' "$exe" &&
    grep -qa 'link Kubernetes sites into a Skupper application network' "$exe"; then
    pass "$(basename "$exe"): SEA fuse set and application embedded (not run: no Windows here)"
  else
    fail "$(basename "$exe"): no SEA fuse set or no application inside"
  fi
done

# 4. Against a cluster (TEST_KUBECONFIG or --kubeconfig): the binary reaches the API server.
cluster_checks() {
  local kc=$1
  if out=$("${plugin_env[@]}" kubectl skupper site status --kubeconfig "$kc" -n west 2>&1); then
    pass "kubectl skupper site status --kubeconfig $kc -n west"
  else
    fail "kubectl skupper site status -n west (exit $?):"; echo "$out" | sed 's/^/    /'
  fi
  if out=$("${plugin_env[@]}" kubectl skupper link status --kubeconfig "$kc" -n west 2>&1); then
    pass "kubectl skupper link status --kubeconfig $kc -n west"
  else
    fail "kubectl skupper link status -n west (exit $?):"; echo "$out" | sed 's/^/    /'
  fi
}
if [ -n "${TEST_KUBECONFIG:-}" ]; then
  cluster_checks "$TEST_KUBECONFIG"
else
  skip "cluster checks (set TEST_KUBECONFIG=FILE or pass --kubeconfig FILE)"
fi

if [ "$failures" -gt 0 ]; then
  echo "test:krew: $failures check(s) FAILED"
  exit 1
fi
echo "test:krew: all checks passed"
