// npm run test:interop: the same cluster tests as `npm test`, plus test/interop/*.test.ts, against
// the real upstream Skupper controller built from the checkout in $SKUPPER_SRC (cached by commit,
// see build-upstream.sh). Without SKUPPER_SRC it says so in one line and exits 2.
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
process.argv = [process.argv[0]!, join(here, '..', 'run.ts'), ...process.argv.slice(2)];
await import('../run.js');
