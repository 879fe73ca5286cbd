// The krew manifest krew-manifest/generate.mjs writes: every platform once (no overlapping
// selectors), darwin/arm64 on the darwin/amd64 archive with the Rosetta caveat until a native one
// exists, krew-index text norms, and no rewrite when nothing changed.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const gen = (await import(join(root, 'krew-manifest', 'generate.mjs'))) as {
  generate(o: { dist: string; uriBase?: string; out: string; template: string | null }): { changed: string[] };
};

interface Manifest {
  spec: {
    shortDescription: string;
    description: string;
    caveats: string;
    platforms: { selector: { matchLabels: { os: string; arch: string } }; uri: string; sha256: string }[];
  };
}

const t = suite<{ work: string }>('krew manifest');
t.before.each((ctx) => {
  ctx.work = mkdtempSync(join(tmpdir(), 'ks-manifest-'));
});
t.after.each((ctx) => {
  rmSync(ctx.work, { recursive: true, force: true });
});

function dist(work: string, archives: string[]): string {
  const dir = join(work, 'dist');
  mkdirSync(dir, { recursive: true });
  for (const a of archives) writeFileSync(join(dir, a), `archive ${a}`);
  return dir;
}

const ALL = ['linux-amd64.tar.gz', 'linux-arm64.tar.gz', 'darwin-amd64.tar.gz', 'windows-amd64.zip'].map((a) => `kubectl-skupper-${a}`);

t('five platforms, darwin/arm64 on the amd64 archive with the Rosetta caveat, krew-index text norms', ({ work }) => {
  const out = join(work, 'skupper.yaml');
  const template = join(work, '.krew.yaml');
  gen.generate({ dist: dist(work, ALL), uriBase: 'http://example.test/r', out, template });
  const text = readFileSync(out, 'utf8');
  const m = parse(text) as Manifest;
  const selectors = m.spec.platforms.map((p) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`);
  assert.equal(selectors, ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64']);
  const darwin = m.spec.platforms.filter((p) => p.selector.matchLabels.os === 'darwin');
  assert.equal(darwin.map((p) => p.uri), ['http://example.test/r/kubectl-skupper-darwin-amd64.tar.gz', 'http://example.test/r/kubectl-skupper-darwin-amd64.tar.gz']);
  assert.is(darwin[0]!.sha256, darwin[1]!.sha256);
  assert.match(m.spec.caveats, /^On Apple silicon Macs this is the Intel build; it runs under Rosetta 2\.$/m);
  assert.ok(m.spec.shortDescription.length <= 50, m.spec.shortDescription);
  for (const line of text.split('\n')) assert.ok(line.length <= 80 || /^\s+(uri|sha256): /.test(line), `longer than 80 columns: ${line}`);
  // No usage examples in the description.
  assert.not.match(m.spec.description, /kubectl skupper|\$ /);
  // The release-bot template offers the same platforms with the same archives.
  const bot = readFileSync(template, 'utf8');
  assert.is((bot.match(/addURIAndSha ".*\/kubectl-skupper-darwin-amd64\.tar\.gz"/g) ?? []).length, 2);
  assert.match(bot, /runs under Rosetta 2/);
});

t('a native darwin/arm64 archive takes its own selector and drops the caveat', ({ work }) => {
  const out = join(work, 'skupper.yaml');
  const template = join(work, '.krew.yaml');
  gen.generate({ dist: dist(work, [...ALL, 'kubectl-skupper-darwin-arm64.tar.gz']), uriBase: 'http://example.test/r', out, template });
  const m = parse(readFileSync(out, 'utf8')) as Manifest;
  const arm = m.spec.platforms.find((p) => p.selector.matchLabels.os === 'darwin' && p.selector.matchLabels.arch === 'arm64');
  assert.is(arm?.uri, 'http://example.test/r/kubectl-skupper-darwin-arm64.tar.gz');
  assert.not.match(m.spec.caveats, /Rosetta/);
  assert.match(readFileSync(template, 'utf8'), /kubectl-skupper-darwin-arm64\.tar\.gz/);
});

t('the manifest and template are not rewritten when the archives did not change', ({ work }) => {
  const out = join(work, 'skupper.yaml');
  const template = join(work, '.krew.yaml');
  const d = dist(work, ALL);
  assert.equal(gen.generate({ dist: d, out, template }).changed, [out, template]);
  utimesSync(out, 1, 1);
  assert.equal(gen.generate({ dist: d, out, template }).changed, []);
  assert.is(statSync(out).mtimeMs, 1000);
  writeFileSync(join(d, ALL[0]!), 'a rebuilt archive');
  assert.equal(gen.generate({ dist: d, out, template }).changed, [out]);
});

t.run();
