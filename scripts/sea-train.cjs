// Makes the V8 code cache that scripts/sea-main.cjs loads: compiles the bundle exactly as that file
// does, runs a set of commands in this process against a kubeconfig whose API server refuses
// connections (no cluster at packaging time: this trains argument parsing, kubeconfig reading,
// connecting and error reporting, which is most of what a command compiles), then saves the cache.
// Must run on the Node binary the executable is made from: V8 accepts a cache only from its own
// version and flags. Usage: node sea-train.cjs <bundle.cjs> <out.cache>
'use strict';
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { rootCertificates } = require('node:tls');
const { Script } = require('node:vm');

const [bundle, out] = process.argv.slice(2);
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`, { filename: 'kubectl-skupper.cjs' });
const plugin = script.runInThisContext();

async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs one command line to its end (the plugin sets process.exitCode when done); its output is dropped. */
async function run(argv) {
  const writes = [process.stdout.write, process.stderr.write];
  process.stdout.write = process.stderr.write = () => true;
  process.argv = [process.execPath, 'kubectl-skupper', ...argv];
  process.exitCode = undefined;
  try {
    const m = { exports: {} };
    plugin(m.exports, require, m, bundle, __dirname);
    const until = Date.now() + 20_000;
    while (process.exitCode === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
    if (process.exitCode === undefined) throw new Error(`training run did not end: ${argv.join(' ')}`);
  } finally {
    [process.stdout.write, process.stderr.write] = writes;
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-skupper-train-'));
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    // A real certificate as the CA (any will do: the connection is refused before TLS).
    const ca = Buffer.from(rootCertificates[0]).toString('base64');
    writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'clusters:', '- cluster:', `    certificate-authority-data: ${ca}`, `    server: https://127.0.0.1:${await closedPort()}`, '  name: train',
      'contexts:', '- context:', '    cluster: train', '    namespace: west', '    user: train', '  name: train', 'current-context: train',
      'users:', '- name: train', '  user:', '    token: training-only', '',
    ].join('\n'));
    process.env.KUBECONFIG = kubeconfig;
    const lines = [
      ['version'], ['--help'], ['site', 'status'], ['site', 'status', '--help'], ['link', 'status'], ['link', 'status', '-o', 'yaml'],
      ['site', 'update', '--enable-link-access', '--wait', 'none'], ['site', 'create', 'west', '--wait', 'none'],
      ['link', 'generate'], ['token', 'issue', join(dir, 'token.yaml'), '--timeout', '1s'], ['site', 'generate', 'west'],
    ];
    for (const argv of lines) await run(argv);
    process.exitCode = 0;
    writeFileSync(out, script.createCachedData());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`sea-train: ${err.stack ?? err}\n`);
  process.exit(1);
});
