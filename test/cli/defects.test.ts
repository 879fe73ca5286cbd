// The defects a new user hit (issue 11), one row each. Every row failed before its fix.
// Defects 1 and 9 (transport) are tested with the transport.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { table } from '../../src/cli/output.js';
import { style } from '../../src/cli/style.js';
import { waitFor } from '../../src/kube/wait.js';
import { LINKS, SITES, type Link, type Site } from '../../src/kube/resources.js';
import { adminClient, cluster, freshNamespace, standIn, stopStandIns } from '../support/cluster.js';
import { plugin, type PluginResult } from '../support/plugin.js';
import { failsWith, usageFails } from './assert-cli.js';

async function run(ns: string, ...args: string[]): Promise<PluginResult> {
  const c = await cluster();
  return plugin([...args, '--kubeconfig', c.kubeconfig, '-n', ns]);
}

/** A namespace whose site accepts links (made once, shared by the rows that only read it). */
let linkable: Promise<string> | undefined;
function linkableSite(): Promise<string> {
  linkable ??= (async () => {
    const ns = await freshNamespace('defects');
    await standIn(ns);
    const res = await run(ns, 'site', 'create', 'west', '--enable-link-access');
    assert.is(res.code, 0, res.stderr);
    return ns;
  })();
  return linkable;
}

const NO_CLUSTER = ['--kubeconfig', '/nonexistent/kubeconfig'];

const rows: [number, string, () => Promise<void>][] = [
  [2, '--timeout 1200h is refused naming the maximum; a long wait does not crash the timer', async () => {
    const line = usageFails(await plugin(['site', 'status', '--timeout', '1200h', ...NO_CLUSTER]), '--timeout 1200h');
    assert.match(line, 'invalid --timeout "1200h"');
    assert.match(line, '596h31m');
    const ns = await freshNamespace('longwait');
    const seen = await waitFor(await adminClient(ns), { type: SITES, namespace: ns, timeoutMs: 1200 * 3_600_000, done: () => true, describeTimeout: () => 'never' });
    assert.is(seen.size, 0);
  }],
  [3, 'an --output-file that cannot be written is one clear line, not a crash', async () => {
    const ns = await linkableSite();
    for (const path of ['/proc/x.yaml', '/etc/passwd/x.yaml']) {
      const line = usageFails(await run(ns, 'link', 'generate', '--output-file', path), path);
      assert.match(line, `cannot write ${path}: `);
      assert.not.match(line, 'unexpected');
    }
  }],
  [4, 'table columns align on a colour terminal: colour codes take no width', async () => {
    const s = style({ env: {}, colorDepth: 8 });
    const text = table(['A', 'B'], [[s.green('yes'), 'x'], ['no', 'y']]);
    const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
    assert.is(plain, 'A     B\nyes   x\nno    y\n');
  }],
  [5, '--cost takes only an integer the CRD accepts, refused before any output', async () => {
    for (const bad of ['1e9', '0x10', '1.0', '99999999999999999999', '2147483648', '0', ' 1', '+1']) {
      const line = usageFails(await plugin(['link', 'generate', '--cost', bad, ...NO_CLUSTER]), `--cost ${bad}`);
      assert.match(line, `invalid --cost "${bad}"`);
    }
    const ns = await linkableSite();
    const ok = await run(ns, 'link', 'generate', '--cost', '2147483647');
    assert.is(ok.code, 0, ok.stderr);
    const link = parseAllDocuments(ok.stdout).map((d) => d.toJS()).find((d) => d.kind === 'Link') as Link;
    assert.is(link.spec.cost, 2147483647);
  }],
  [6, 'negative values are values, then validated', async () => {
    const timeout = usageFails(await plugin(['site', 'status', '--timeout', '-1s', ...NO_CLUSTER]), '--timeout -1s');
    assert.match(timeout, 'invalid --timeout "-1s"');
    const cost = usageFails(await plugin(['link', 'generate', '--cost', '-1', ...NO_CLUSTER]), '--cost -1');
    assert.match(cost, 'invalid --cost "-1"');
  }],
  [7, '--flag=value, --bool=true|false, unknown --flag=value and -nNS parse as kubectl does', async () => {
    const on = await plugin(['site', 'generate', 'west', '--enable-link-access=true']);
    assert.is(on.code, 0, on.stderr);
    assert.is((parseYaml(on.stdout) as Site).spec.linkAccess, 'default');
    const off = await plugin(['site', 'generate', 'west', '--enable-link-access=false']);
    assert.is(off.code, 0, off.stderr);
    assert.is((parseYaml(off.stdout) as Site).spec.linkAccess, undefined);
    const bogus = usageFails(await plugin(['site', 'generate', 'west', '--bogus=1']), '--bogus=1');
    assert.match(bogus, 'unknown flag "--bogus"');
    const bad = usageFails(await plugin(['site', 'generate', 'west', '--enable-ha=maybe']), '--enable-ha=maybe');
    assert.match(bad, 'true or false');
    for (const args of [['-neast'], ['-n=east'], ['--namespace=east'], ['-oyaml', '-neast']]) {
      const r = await plugin(['site', 'generate', 'west', ...args]);
      assert.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.is((parseYaml(r.stdout) as Site).metadata.namespace, 'east', args.join(' '));
    }
    // Flags before the command words, as kubectl allows.
    const before = await plugin(['-n', 'east', 'site', 'generate', 'west']);
    assert.is(before.code, 0, before.stderr);
    assert.is((parseYaml(before.stdout) as Site).metadata.namespace, 'east');
  }],
  [8, '--enable-link-access --link-access-type none is refused, not reported as enabled', async () => {
    for (const verb of [['site', 'update', ...NO_CLUSTER], ['site', 'create', 'west', ...NO_CLUSTER], ['site', 'generate', 'west']]) {
      const line = usageFails(await plugin([...verb, '--enable-link-access', '--link-access-type', 'none']), verb.join(' '));
      assert.match(line, '--link-access-type none');
    }
  }],
  [10, '--timeout 0 means check once, do not wait: site create succeeds and says how the site is', async () => {
    const ns = await freshNamespace('zero');
    await standIn(ns, { running: false });
    const res = await run(ns, 'site', 'create', 'west', '--timeout', '0');
    assert.is(res.code, 0, res.stderr);
    assert.is(res.stderr, '');
    assert.match(res.stdout, /^Site "west" is created\. Site "west" is not ready yet \(--timeout 0 checks once\): /);
    assert.ok(await (await adminClient(ns)).find(SITES, 'west'));
    const help = await plugin(['site', 'create', '--help']);
    assert.match(help.stdout, '0 checks once without waiting');
  }],
  [11, 'link generate in a namespace with two sites names them, and --site chooses one', async () => {
    const ns = await freshNamespace('twosites');
    await standIn(ns);
    const client = await adminClient(ns);
    for (const name of ['a', 'b']) await client.create(SITES, { apiVersion: 'skupper.io/v2alpha1', kind: 'Site', metadata: { name }, spec: { linkAccess: 'default' } });
    // As the real controller does, the first Site is the active one; the second is marked inactive.
    await waitFor(client, { type: SITES, namespace: ns, timeoutMs: 30_000, done: (s) => (s.get('a')?.status?.endpoints?.length ?? 0) > 0, describeTimeout: () => 'site a has no endpoints' });
    const both = await run(ns, 'link', 'generate');
    assert.is(both.code, 2);
    assert.match(both.stderr, '--site');
    const one = await run(ns, 'link', 'generate', '--site', 'a');
    assert.is(one.code, 0, one.stderr);
    assert.match(one.stdout, 'name: link-a');
  }],
  [12, '--tls-credentials takes a DNS-1123 subdomain such as my.secret', async () => {
    const ns = await linkableSite();
    const res = await run(ns, 'link', 'generate', '--generate-credential=false', '--tls-credentials', 'my.secret');
    assert.is(res.code, 0, res.stderr);
    assert.is((parseAllDocuments(res.stdout)[0]!.toJS() as Link).spec.tlsCredentials, 'my.secret');
    usageFails(await plugin(['link', 'generate', '--tls-credentials', 'My_Secret', ...NO_CLUSTER]), 'My_Secret');
  }],
  [13, '--output-file naming a folder, or empty, is refused with the reason', async () => {
    const ns = await linkableSite();
    const dir = mkdtempSync(join(tmpdir(), 'ks-defects-'));
    const folder = usageFails(await run(ns, 'link', 'generate', '--output-file', dir), 'a folder');
    assert.match(folder, 'is a folder');
    const empty = usageFails(await run(ns, 'link', 'generate', '--output-file', ''), 'empty');
    assert.match(empty, '--output-file is empty');
  }],
  [14, '20,000 arguments are refused at once (the parser\'s cost grew faster than the list)', async () => {
    const shapes = [
      ['site', 'create', 'x', ...Array(20_000).fill('--wait=ready')],
      [...Array(10_000).fill(['-n', 'x']).flat(), 'site', 'status'],
      ['site', 'create', ...Array(20_000).fill('y')],
    ];
    for (const args of shapes) {
      // The early refusal names the count: before the fix the parser ran first (over 30 s for the
      // first shape) and its message did not. Speed itself is measured in bench/, not here.
      const line = usageFails(await plugin(args), `${args.length} arguments`);
      assert.match(line, 'too many arguments');
    }
  }],
  [15, '--help names each flag\'s value, shows defaults, lists --no-wait; completion offers --no-wait', async () => {
    for (const command of [['site', 'create'], ['site', 'update'], ['site', 'status'], ['site', 'delete'], ['site', 'generate'], ['link', 'generate'], ['link', 'status'], ['link', 'check'], ['link', 'delete'], ['version'], ['completion']]) {
      const r = await plugin([...command, '--help']);
      assert.is(r.code, 0, command.join(' '));
      assert.not.match(r.stdout, '#0', command.join(' '));
    }
    const defaults: [string[], string][] = [[['site', 'create'], '3m'], [['site', 'update'], '30s'], [['link', 'check'], '5s'], [['link', 'status'], '30s']];
    for (const [command, value] of defaults) {
      const r = await plugin([...command, '--help']);
      assert.match(r.stdout, '--timeout <duration>', command.join(' '));
      assert.match(r.stdout, `(default ${value})`, command.join(' '));
    }
    for (const command of [['site', 'delete'], ['link', 'delete']]) {
      const help = (await plugin([...command, '--help'])).stdout;
      assert.match(help, '--no-wait', command.join(' '));
      // The descriptions start in one column, whatever the width of the flag and its value name.
      const starts = new Set(help.split('\n').filter((l) => l.startsWith('  -')).map((l) => l.search(/\S {2,}\S/) + l.match(/\S( {2,})\S/)![1]!.length + 1));
      assert.is(starts.size, 1, help);
      assert.match((await plugin(['__complete', ...command, '--no'])).stdout, /^--no-wait$/m, command.join(' '));
    }
  }],
  [16, 'site delete --no-wait does not claim the site is deleted', async () => {
    const ns = await freshNamespace('nowaitdel');
    const client = await adminClient(ns);
    await client.create(SITES, { apiVersion: 'skupper.io/v2alpha1', kind: 'Site', metadata: { name: 'west', finalizers: ['test.example/hold'] } as Site['metadata'], spec: {} });
    const res = await run(ns, 'site', 'delete', '--no-wait');
    assert.is(res.code, 0, res.stderr);
    assert.not.match(res.stdout, 'is deleted');
    assert.match(res.stdout, 'is being deleted');
    assert.ok((await client.get(SITES, 'west')).metadata.deletionTimestamp, 'still there, being deleted');
    await client.patch(SITES, 'west', { metadata: { finalizers: null } });
    const link = await run(ns, 'link', 'delete', 'absent', '--no-wait');
    failsWith(link, 1, 'absent link');
    assert.is((await client.list(LINKS)).items.length, 0);
  }],
  [17, 'npm ci on the machine\'s Node (older than the Node 24 the project runs on) prints no warnings', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'ks-npmci-'));
    for (const file of ['package.json', 'package-lock.json', '.npmrc']) copyFileSync(join(root, file), join(dir, file));
    // The system npm, as a new user runs it; --dry-run resolves and checks engines without downloading.
    const r = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_userconfig: '/dev/null', PATH: `/usr/local/bin:/usr/bin:/bin` } });
    assert.is(r.status, 0, r.stderr);
    assert.not.match(r.stdout + r.stderr, /warn|EBADENGINE/i);
    assert.match(r.stdout, /added \d+ packages/);
  }],
];

for (const [defect, title, body] of rows) test(`defect ${defect}: ${title}`, body);

test.after.each(stopStandIns);

test.run();
