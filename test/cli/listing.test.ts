// kubectl's listing conventions on site status and link status, against the real API server:
// -A, -l, -o wide|name|jsonpath|custom-columns, --no-headers, AGE and REMOTE SITE.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { age, compileJsonPath } from '../../src/cli/output.js';
import { CONNECTORS, LINKS, LISTENERS, SITES, type Link } from '../../src/kube/resources.js';
import { adminClient, cluster, freshNamespace } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { usageFails } from './assert-cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

async function run(...args: string[]) {
  const c = await cluster();
  return plugin([...args, '--kubeconfig', c.kubeconfig]);
}

function linkObject(name: string, labels: Record<string, string> = {}): Link {
  return { apiVersion: 'skupper.io/v2alpha1', kind: 'Link', metadata: { name, labels }, spec: { endpoints: [{ name: 'inter-router', host: '10.0.0.1', port: '55671', group: 'g' }], tlsCredentials: `${name}-creds`, cost: 2 } };
}

/** Two namespaces with links (one with the remote site in its status) and a site each. */
let fixture: Promise<{ a: string; b: string }> | undefined;
function namespaces() {
  fixture ??= (async () => {
    const a = await freshNamespace('lista');
    const b = await freshNamespace('listb');
    for (const [ns, site] of [[a, 'site-a'], [b, 'site-b']] as const) {
      const client = await adminClient(ns);
      await client.create(SITES, { apiVersion: 'skupper.io/v2alpha1', kind: 'Site', metadata: { name: site, labels: { env: ns === a ? 'prod' : 'dev' } }, spec: {} });
      await client.create(LINKS, linkObject(`to-${ns}`, { env: ns === a ? 'prod' : 'dev' }));
      await client.create(LINKS, linkObject(`other-${ns}`));
    }
    await (await adminClient(a)).patch(LINKS, `to-${a}`, { status: { status: 'Ready', message: 'OK', remoteSiteName: 'far-away' } }, a, 'status');
    return { a, b };
  })();
  return fixture;
}

test('link status shows REMOTE SITE and AGE; -o wide adds endpoints and credentials', async () => {
  const { a } = await namespaces();
  const res = await run('link', 'status', '-n', a);
  assert.is(res.code, 0, res.stderr);
  const lines = res.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^NAME\s+STATUS\s+REMOTE SITE\s+COST\s+MESSAGE\s+AGE$/);
  assert.match(lines[1]!, new RegExp(`^other-${a}\\s+Pending\\s+2\\s+Not Configured\\s+\\d+s$`));
  assert.match(lines[2]!, new RegExp(`^to-${a}\\s+Ready\\s+far-away\\s+2\\s+OK\\s+\\d+s$`));
  const wide = await run('link', 'status', '-n', a, '-o', 'wide');
  assert.match(wide.stdout, /^NAME\s+STATUS\s+REMOTE SITE\s+COST\s+ENDPOINTS\s+CREDENTIALS\s+MESSAGE\s+AGE\n/);
  assert.match(wide.stdout, new RegExp(`to-${a}\\s+Ready\\s+far-away\\s+2\\s+inter-router=10\\.0\\.0\\.1:55671\\s+to-${a}-creds`));
});

test('-A lists every namespace with a NAMESPACE column; -l filters by label', async () => {
  const { a, b } = await namespaces();
  const all = await run('link', 'status', '-A', '--no-headers');
  assert.is(all.code, 0, all.stderr);
  const mine = all.stdout.split('\n').filter((l) => l.startsWith(a) || l.startsWith(b));
  assert.equal(mine.map((l) => l.split(/\s+/).slice(0, 2).join(' ')), [`${a} other-${a}`, `${a} to-${a}`, `${b} other-${b}`, `${b} to-${b}`]);
  const prod = await run('link', 'status', '-A', '-l', 'env=prod', '-o', 'name');
  assert.ok(prod.stdout.split('\n').includes(`link.skupper.io/to-${a}`), prod.stdout);
  assert.ok(!prod.stdout.includes(`to-${b}`));
  const sites = await run('site', 'status', '--all-namespaces', '--selector=env=dev', '-o', 'name');
  assert.ok(sites.stdout.split('\n').includes('site.skupper.io/site-b'), sites.stdout);
  assert.ok(!sites.stdout.includes('site-a'));
  const siteTable = await run('site', 'status', '-A');
  assert.match(siteTable.stdout, /^NAMESPACE\s+NAME\s+STATUS\s+LINK ACCESS\s+MESSAGE\s+AGE\n/);
});

test('-o jsonpath and -o custom-columns read the objects; --no-headers drops the header', async () => {
  const { a } = await namespaces();
  const names = await run('link', 'status', '-n', a, '-o', 'jsonpath={.items[*].metadata.name}');
  assert.is(names.stdout, `other-${a} to-${a}`);
  const ranged = await run('link', 'status', '-n', a, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.cost}{"\\n"}{end}');
  assert.is(ranged.stdout, `other-${a}=2\nto-${a}=2\n`);
  const columns = await run('link', 'status', '-n', a, '-o', 'custom-columns=LINK:.metadata.name,REMOTE:.status.remoteSiteName');
  assert.is(columns.stdout, `LINK${' '.repeat(`other-${a}`.length - 1)}REMOTE\nother-${a}   <none>\nto-${a}      far-away\n`);
  const bare = await run('site', 'status', '-n', a, '--no-headers');
  assert.match(bare.stdout, /^site-a\s+Pending\s+disabled\s+\d+s\n$/);
});

test('with a name, -o jsonpath, yaml and json see the object itself, as kubectl get KIND NAME does', async () => {
  const { a } = await namespaces();
  const client = await adminClient(a);
  await client.create(LISTENERS, { apiVersion: 'skupper.io/v2alpha1', kind: 'Listener', metadata: { name: 'web' }, spec: { routingKey: 'web', host: 'web', port: 8080 } });
  await client.create(CONNECTORS, { apiVersion: 'skupper.io/v2alpha1', kind: 'Connector', metadata: { name: 'web' }, spec: { routingKey: 'web', selector: 'app=web', port: 9090 } });
  const cases: [string[], string][] = [
    [['link', 'status', `to-${a}`, '-o', 'jsonpath={.status.remoteSiteName}'], 'far-away'],
    [['site', 'status', 'site-a', '-o', 'jsonpath={.metadata.labels.env}'], 'prod'],
    [['listener', 'status', 'web', '-o', 'jsonpath={.spec.port}'], '8080'],
    [['connector', 'status', 'web', '-o', 'jsonpath={.spec.selector}'], 'app=web'],
  ];
  for (const [args, expected] of cases) {
    const res = await run(...args, '-n', a);
    assert.is(res.stdout, expected, `${args.join(' ')}: ${JSON.stringify(res)}`);
    const json = await run(...args.slice(0, 3), '-n', a, '-o', 'json');
    assert.is((JSON.parse(json.stdout) as { metadata: { name: string } }).metadata.name, args[2]);
    const yaml = await run(...args.slice(0, 3), '-n', a, '-o', 'yaml');
    assert.match(yaml.stdout, new RegExp(`^apiVersion: skupper\\.io/v2alpha1\nkind: (Link|Site|Listener|Connector)\n`));
  }
  // Without a name it is still the List.
  assert.is((await run('listener', 'status', '-n', a, '-o', 'jsonpath={.items[0].spec.port}')).stdout, '8080');
});

test('listing flags are checked before any request', async () => {
  for (const [args, text] of [[['site', 'status', '-o', 'custom-columns=NAME'], 'invalid custom-columns'], [['site', 'status', 'west', '-A'], '-A'], [['link', 'status', '-o', 'table'], 'invalid output format']] as const) {
    const line = usageFails(await plugin([...args, '--kubeconfig', '/nonexistent']), args.join(' '));
    assert.match(line, text);
  }
});

test('link status -w prints Pending, then Ready when the link changes, and stops on SIGINT (the built executable)', async () => {
  const c = await cluster();
  const ns = await freshNamespace('watch');
  const client = await adminClient(ns);
  await client.create(LINKS, linkObject('watched'));
  await client.patch(LINKS, 'watched', { status: { status: 'Pending', message: 'Not Operational' } }, ns, 'status');
  const child = spawn(join(root, 'bin', 'kubectl-skupper'), ['link', 'status', '-w', '-n', ns, '--kubeconfig', c.kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const until = async (pattern: RegExp) => {
    for (let i = 0; i < 300 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(out, pattern, `waiting for ${pattern} (stderr: ${err})`);
  };
  await until(/watched\s+Pending/);
  await client.patch(LINKS, 'watched', { status: { status: 'Ready', message: 'OK', remoteSiteName: 'west' } }, ns, 'status');
  await until(/watched\s+Ready\s+west/);
  child.kill('SIGINT');
  assert.is(await exited, 130, err);
  const lines = out.trimEnd().split('\n');
  assert.match(lines[0]!, /^NAME\s+STATUS\s+REMOTE SITE\s+COST\s+MESSAGE\s+AGE$/);
  assert.match(lines[1]!, /^watched\s+Pending\s+2\s+Not Operational\s+\d+s$/);
  assert.match(lines.at(-1)!, /^watched\s+Ready\s+west\s+2\s+OK\s+\d+s$/);
  assert.is(lines.filter((l) => l.startsWith('NAME')).length, 1, 'one header');
});

test('age prints as kubectl does', () => {
  const now = Date.parse('2026-01-10T00:00:00Z');
  const at = (s: number) => new Date(now - s * 1000).toISOString();
  assert.equal([5, 119, 200, 600, 3 * 3600 + 60, 30 * 3600, 3 * 86400 + 4 * 3600, 40 * 86400, 800 * 86400].map((s) => age(at(s), now)), ['5s', '119s', '3m20s', '10m', '3h1m', '30h', '3d4h', '40d', '2y70d']);
});

test('jsonpath: fields, indexes, wildcards, ranges and literals', () => {
  const data = { items: [{ n: 'a', l: [1, 2] }, { n: 'b', l: [3] }] };
  assert.is(compileJsonPath('{.items[0].n}')(data), 'a');
  assert.is(compileJsonPath('{.items[*].l[*]}')(data), '1 2 3');
  assert.is(compileJsonPath('x{range .items[*]}[{.n}]{end}y')(data), 'x[a][b]y');
  assert.is(compileJsonPath('{.missing}')(data), '');
  // kubectl's forms: an escaped dot inside a key, @ and {} for the whole object, quoted text, a } outside an action.
  assert.is(compileJsonPath('{.labels.app\\.kubernetes\\.io/name}')({ labels: { 'app.kubernetes.io/name': 'web' } }), 'web');
  assert.is(compileJsonPath('{range .items[*]}{@.n}{"\\t"}{end}')(data), 'a\tb\t');
  assert.is(compileJsonPath('{}')({ a: 1 }), '{"a":1}');
  assert.is(compileJsonPath("{'x'}}")(data), 'x}');
});

test.run();
