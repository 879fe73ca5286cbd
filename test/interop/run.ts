// npm run test:interop: the same cluster tests as `npm test`, plus test/interop/*.test.ts, against
// the real upstream Skupper controller built from the checkout in $SKUPPER_SRC (cached by commit,
// see build-upstream.sh). Without SKUPPER_SRC it says so in one line and exits 2. With
// SKUPPER_ROUTER_SRC and PROTON_SRC too, the real routers (build-router.sh) join in.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = process.env.SKUPPER_SRC;
if (!src) {
  console.error('test:interop needs SKUPPER_SRC: a checkout of https://github.com/skupperproject/skupper at a release tag (e.g. 2.2.1); see docs/testing.md "Interop mode"');
  process.exit(2);
}
if (!existsSync(join(src, 'cmd', 'controller')) || !existsSync(join(src, 'config', 'crd', 'bases'))) {
  console.error(`test:interop: SKUPPER_SRC=${src} is not a Skupper checkout (no cmd/controller or config/crd/bases)`);
  process.exit(2);
}
process.env.SKUPPER_SRC = resolve(src);
for (const script of ['typecheck', 'build']) execFileSync('npm', ['run', '--silent', script], { stdio: 'inherit' });
console.error('Building (or reusing) the upstream controller and skupper CLI from SKUPPER_SRC...');
const started = Date.now();
const bin = execFileSync('bash', [join(here, 'build-upstream.sh')], { stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim().split('\n').pop()!;
console.error(`Upstream binaries in ${bin} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.env.KUBECTL_SKUPPER_UPSTREAM_BIN = bin;

// Real routers: with both router checkouts, build (or reuse) skrouterd and the kube-adaptor and let
// the real-router tests run (test/interop/real-routers*.test.ts).
const { SKUPPER_ROUTER_SRC: routerSrc, PROTON_SRC: protonSrc } = process.env;
if (Boolean(routerSrc) !== Boolean(protonSrc)) {
  console.error(`test:interop: real routers need both SKUPPER_ROUTER_SRC and PROTON_SRC (${routerSrc ? 'PROTON_SRC' : 'SKUPPER_ROUTER_SRC'} is not set); see docs/interop-real-routers.md`);
  process.exit(2);
}
if (routerSrc && protonSrc) {
  console.error('Building (or reusing) skupper-router, Qpid Proton and the kube-adaptor...');
  const t = Date.now();
  const lines = execFileSync('bash', [join(here, 'build-router.sh')], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SKUPPER_ROUTER_SRC: resolve(routerSrc), PROTON_SRC: resolve(protonSrc) } }).toString();
  const built = Object.fromEntries(lines.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  process.env.KUBECTL_SKUPPER_SKROUTERD = built.SKROUTERD;
  process.env.KUBECTL_SKUPPER_KUBE_ADAPTOR = built.KUBE_ADAPTOR;
  process.env.KUBECTL_SKUPPER_SKSTAT = built.SKSTAT;
  console.error(`Real routers: ${built.SKROUTERD} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}
process.argv = [process.argv[0]!, join(here, '..', 'run.ts'), ...process.argv.slice(2)];
await import('../run.js');
