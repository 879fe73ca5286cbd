// Makes the V8 code caches that the packaged executable loads (scripts/sea-main.cjs for the bundle,
// the asset stubs of scripts/package.mjs for the assets): compiles each one exactly as they do,
// runs commands in this process against a kubeconfig whose API server refuses connections (no
// cluster at packaging time: this trains argument parsing, kubeconfig reading, connecting, error
// reporting and @kubernetes/client-node's path, most of what a command compiles), makes a CA and a
// client certificate with the certificate library as src/certs does, then saves the caches.
// Must run on the Node binary the executable is made from: V8 accepts a cache only from its own
// version and flags. Usage: node sea-train.cjs <dir with kubectl-skupper.cjs and the assets>
'use strict';
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { rootCertificates } = require('node:tls');
const vm = require('node:vm');

const work = process.argv[2];
const wrap = {
  'kubectl-skupper.cjs': (source) => `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
  asset: (source) => `(function (module, exports, require) {${source}\n})`,
};

// The scripts compiled here, by file name: the bundle, and the assets its stubs compile.
const scripts = new Map();
class RecordingScript extends vm.Script {
  constructor(code, options) {
    super(code, options);
    scripts.set(options.filename, this);
  }
}
// What the bundle gets as require: node:sea reads the assets from `work` (no cache files yet).
const sea = {
  isSea: () => true,
  getAsset(key, encoding) {
    const data = readFileSync(join(work, key));
    return encoding ? data.toString(encoding) : data.buffer.slice(data.byteOffset, data.byteOffset + data.length);
  },
};
const pluginRequire = (id) => (id === 'node:sea' ? sea : id === 'node:vm' ? { ...vm, Script: RecordingScript } : require(id));

const bundle = join(work, 'kubectl-skupper.cjs');
const plugin = new RecordingScript(wrap['kubectl-skupper.cjs'](readFileSync(bundle, 'utf8')), { filename: 'kubectl-skupper.cjs' }).runInThisContext();

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
    plugin(m.exports, pluginRequire, m, bundle, work);
    const until = Date.now() + 20_000;
    while (process.exitCode === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
    if (process.exitCode === undefined) throw new Error(`training run did not end: ${argv.join(' ')}`);
  } finally {
    [process.stdout.write, process.stderr.write] = writes;
  }
}

function kubeconfig(server, user) {
  // A real certificate as the CA (any will do: the connection is refused before TLS).
  const ca = Buffer.from(rootCertificates[0]).toString('base64');
  return [
    'apiVersion: v1', 'kind: Config', 'clusters:', '- cluster:', `    certificate-authority-data: ${ca}`, `    server: ${server}`, '  name: train',
    'contexts:', '- context:', '    cluster: train', '    namespace: west', '    user: train', '  name: train', 'current-context: train',
    'users:', '- name: train', '  user:', ...user.map((l) => `    ${l}`), '',
  ].join('\n');
}

/** The certificate library, as src/certs/ca.ts and issue.ts use it: an RSA CA, then an ECDSA client certificate. */
async function trainCertificates() {
  const m = { exports: {} };
  new RecordingScript(wrap.asset(readFileSync(join(work, 'x509.cjs'), 'utf8')), { filename: 'x509.cjs' }).runInThisContext()(m, m.exports, require);
  const x509 = await m.exports.loadX509();
  const subtle = globalThis.crypto.subtle;
  const rsa = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
  const ec = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caKeys = await subtle.generateKey(rsa, true, ['sign', 'verify']);
  const leafKeys = await subtle.generateKey(ec, true, ['sign', 'verify']);
  const name = new x509.Name('CN=train');
  const validity = { notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000) };
  const ca = await x509.X509CertificateGenerator.create({
    serialNumber: '01', subject: name, issuer: name, ...validity, publicKey: caKeys.publicKey, signingKey: caKeys.privateKey, signingAlgorithm: rsa,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true), await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey)],
  });
  const caCert = new x509.X509Certificate(ca.toString('pem'));
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '02', subject: new x509.Name('CN=leaf'), issuer: caCert.subjectName, ...validity, publicKey: leafKeys.publicKey, signingKey: caKeys.privateKey, signingAlgorithm: rsa,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
      await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'train' }, { type: 'ip', value: '127.0.0.1' }]),
    ],
  });
  new x509.X509Certificate(leaf.toString('pem'));
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-skupper-train-'));
  try {
    const port = await closedPort();
    const fast = join(dir, 'fast');
    // The fast path declines a server that is not https: @kubernetes/client-node's path.
    const slow = join(dir, 'slow');
    writeFileSync(fast, kubeconfig(`https://127.0.0.1:${port}`, ['token: training-only']));
    writeFileSync(slow, kubeconfig(`http://127.0.0.1:${port}`, ['token: training-only']));
    const lines = [
      ['version'], ['--help'], ['site', 'status'], ['site', 'status', '--help'], ['link', 'status'], ['link', 'status', '-o', 'yaml'],
      ['site', 'update', '--enable-link-access', '--wait', 'none'], ['site', 'create', 'west', '--wait', 'none'],
      ['link', 'generate'], ['token', 'issue', join(dir, 'token.yaml'), '--timeout', '1s'], ['site', 'generate', 'west'],
    ];
    process.env.KUBECONFIG = fast;
    for (const argv of lines) await run(argv);
    process.env.KUBECONFIG = slow;
    await run(['link', 'status']);
    await trainCertificates();
    process.exitCode = 0;
    for (const [name, script] of scripts) writeFileSync(join(work, `${name}.cache`), script.createCachedData());
    const missing = ['kubectl-skupper.cjs', 'x509.cjs', 'transport-client-node.cjs'].filter((n) => !scripts.has(n));
    if (missing.length) throw new Error(`not trained: ${missing.join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`sea-train: ${err.stack ?? err}\n`);
  process.exit(1);
});
