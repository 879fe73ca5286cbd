// The unclear messages of issue 18, one test each: what a careless user typed, and the one line
// (or the behaviour kubectl has) that they now get. Each failed before its fix.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { ACCESS_GRANTS, LINKS, SECRETS, SITES, type AccessGrant, type AccessToken } from '../../src/kube/resources.js';
import { adminClient, cluster, freshNamespace, standIn, stopStandIns } from '../support/cluster.js';
import { plugin, type PluginResult } from '../support/plugin.js';
import { grantServer, issue, stopGrantServers, twoSites } from '../token/support.js';
import { failsWith, usageFails } from './assert-cli.js';

const BIN = fileURLToPath(new URL('../../bin/kubectl-skupper', import.meta.url));
const NO_CLUSTER = ['--kubeconfig', '/nonexistent/kubeconfig'];

async function run(ns: string, ...args: string[]): Promise<PluginResult> {
  const c = await cluster();
  return plugin([...args, '--kubeconfig', c.kubeconfig, '-n', ns]);
}

/** The built executable, with stdout to `stdout` (a file descriptor) or captured. */
function exe(args: string[], stdout?: number): Promise<PluginResult> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' }, stdio: ['ignore', stdout ?? 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: out, stderr: err }));
  });
}

/** A site that accepts links, made once and shared by the rows that only read it. */
let linkable: Promise<string> | undefined;
function linkableSite(): Promise<string> {
  linkable ??= (async () => {
    const ns = await freshNamespace('msg');
    await standIn(ns);
    const res = await run(ns, 'site', 'create', 'west', '--enable-link-access');
    assert.is(res.code, 0, res.stderr);
    return ns;
  })();
  return linkable;
}

test('broken -o jsonpath templates are refused as kubectl refuses them: one line, exit 1, before any request', async () => {
  const cases: [string, string][] = [
    ['{.metadata.name', 'error parsing jsonpath {.metadata.name, unclosed action'],
    ['{.items[*', 'error parsing jsonpath {.items[*, unterminated array'],
    ['{.items[?(@.x==}', 'unterminated filter'],
    ['{foo .x}', 'unrecognized identifier foo'],
    ['{.x}{end}', 'not in range, nothing to end'],
    ['{range .items[*]}{end}{end}', 'not in range, nothing to end'],
    ['{"abc}', 'unterminated quoted string'],
    ['{.a\n}', 'unclosed action'],
  ];
  for (const [template, text] of cases) {
    for (const command of [['site', 'status'], ['link', 'status']]) {
      const line = failsWith(await plugin([...command, '-o', `jsonpath=${template}`, ...NO_CLUSTER]), 1, `${command.join(' ')} -o jsonpath=${template}`);
      assert.match(line, text);
      // Refused before the kubeconfig is read: the template is the only complaint.
      assert.not.match(line, 'kubeconfig');
    }
  }
  const ok = await plugin(['site', 'status', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}', ...NO_CLUSTER]);
  assert.match(ok.stderr, '/nonexistent/kubeconfig', 'a good template gets as far as the kubeconfig');
});

test('a kubeconfig or token file with a YAML tag nobody defines gets our one line, never a Node YAMLWarning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-tags-'));
  const kubeconfig = join(dir, 'config');
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: !ply []\n');
  // The executable: a Node warning goes to the process's stderr, which an in-process run does not capture.
  const k = await exe(['site', 'status', '--kubeconfig', kubeconfig]);
  assert.is(k.code, 1);
  assert.match(k.stderr, /^error: [^\n]+\n$/, k.stderr);
  const token = join(dir, 'token.yaml');
  writeFileSync(token, 'apiVersion: skupper.io/v2alpha1\nkind: AccessToken\nspec: !odd {}\n');
  const t = await exe(['token', 'inspect', token]);
  assert.is(t.code, 2, 'a bad file is bad input');
  assert.match(t.stderr, /^error: [^\n]+\n$/, t.stderr);
});

test('-l selector errors name -l and exit 2, before any request', async () => {
  for (const selector of ['a b', 'env=prod=x', 'tier in ()', 'tier in (a', 'x>a', '!!a', 'a,', 'Foo/bar=x', '', ' ']) {
    for (const command of [['site', 'status'], ['link', 'status']]) {
      const line = usageFails(await plugin([...command, '-l', selector, ...NO_CLUSTER]), `${command.join(' ')} -l ${JSON.stringify(selector)}`);
      assert.match(line, `invalid -l/--selector "${selector}"`);
    }
  }
  const ns = await linkableSite();
  for (const selector of ['env=prod', 'env!=dev,tier', 'tier in (web, api)', '!canary', 'app.kubernetes.io/name=x']) {
    const res = await run(ns, 'site', 'status', '-l', selector);
    assert.is(res.code, 0, `${selector}: ${res.stderr}`);
  }
});

test('--as-group without --as is refused as kubectl refuses it', async () => {
  const ns = await linkableSite();
  const line = usageFails(await run(ns, 'site', 'status', '--as-group', 'system:masters'), '--as-group alone');
  assert.match(line, 'requesting uid or groups without impersonating a user');
  assert.match(line, '--as');
  // With --as the request goes out impersonating (the admin may impersonate).
  const both = await run(ns, 'site', 'status', '--as', 'someone', '--as-group', 'system:masters');
  assert.is(both.code, 0, both.stderr);
});

test('-w on a missing object says NotFound in one line instead of waiting forever', async () => {
  const ns = await linkableSite();
  const site = failsWith(await run(ns, 'site', 'status', 'nope', '-w'), 1, 'site status nope -w');
  assert.match(site, `there is no site "nope" in namespace "${ns}"`);
  const link = failsWith(await run(ns, 'link', 'status', 'nope', '-w'), 1, 'link status nope -w');
  assert.match(link, `there is no link "nope" in namespace "${ns}"`);
});

test('-w ends with 130 on Ctrl-C, as every command does (the built executable)', async () => {
  const c = await cluster();
  const ns = await linkableSite();
  const child = spawn(BIN, ['site', 'status', 'west', '-w', '-n', ns, '--kubeconfig', c.kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 300 && !/^west\s/m.test(out); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(out, /^west\s/m, `the watch printed the site (stderr: ${err})`);
  child.kill('SIGINT');
  assert.is(await exited, 130, err);
  assert.is(err, '');
});

test('network status fails when it could read no context, and refuses empty --contexts entries', async () => {
  const c = await cluster();
  const ns = await linkableSite();
  for (const value of ['west,,east', ',west', 'west,', '', ' ', 'west/']) {
    const line = usageFails(await plugin(['network', 'status', '--contexts', value, '--kubeconfig', c.kubeconfig]), `--contexts ${JSON.stringify(value)}`);
    assert.match(line, '--contexts');
  }
  // "nobody" may read nothing: the only context is unreadable, so the command fails.
  const none = failsWith(await plugin(['network', 'status', '--contexts', `nobody/${ns}`, '--kubeconfig', c.kubeconfig, '--timeout', '5s']), 1, 'only unreadable contexts');
  assert.match(none, '403 Forbidden');
  const two = failsWith(await plugin(['network', 'status', '--contexts', `nobody/${ns},nobody/default`, '--kubeconfig', c.kubeconfig, '--timeout', '5s']), 1, 'two unreadable contexts');
  assert.match(two, 'could read none of the 2 contexts');
  const missing = failsWith(await plugin(['network', 'status', '--kubeconfig', '/nonexistent/kubeconfig']), 1, 'no kubeconfig');
  assert.match(missing, '/nonexistent/kubeconfig');
  // One readable context is enough to succeed, the other listed with its error.
  const some = await plugin(['network', 'status', '--contexts', `west/${ns},nobody/${ns}`, '--kubeconfig', c.kubeconfig, '--timeout', '5s']);
  assert.is(some.code, 0, some.stderr);
  assert.match(some.stdout, 'Unreadable');
});

test("--context '' is the current context, as in kubectl", async () => {
  const c = await cluster();
  const ns = await linkableSite();
  const res = await plugin(['site', 'status', '--context', '', '-n', ns, '--kubeconfig', c.kubeconfig]);
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, /^NAME\s+STATUS/);
  const eq = await plugin(['site', 'status', '--context=', '-n', ns, '--kubeconfig', c.kubeconfig]);
  assert.is(eq.code, 0, eq.stderr);
  const network = await plugin(['network', 'status', '--context', '', '-n', ns, '--kubeconfig', c.kubeconfig, '-o', 'json']);
  assert.is(network.code, 0, network.stderr);
  assert.equal((JSON.parse(network.stdout) as { sites: { context: string }[] }).sites.map((s) => s.context), ['west']);
});

test('kubeconfig errors name the field at fault', async () => {
  const c = await cluster();
  const dir = mkdtempSync(join(tmpdir(), 'ks-msg-kubeconfig-'));
  const base = parse(readFileSync(c.kubeconfig, 'utf8')) as { clusters: { name: string; cluster: Record<string, unknown> }[]; users: { name: string; user: Record<string, unknown> }[]; contexts: { name: string; context: Record<string, unknown> }[] };
  const write = (name: string, change: (doc: typeof base) => void): string => {
    const doc = structuredClone(base);
    change(doc);
    const file = join(dir, name);
    writeFileSync(file, stringify(doc));
    return file;
  };
  const admin = (doc: typeof base) => doc.users.find((u) => u.name === 'admin')!.user;
  const local = (doc: typeof base) => doc.clusters.find((x) => x.name === 'local')!.cluster;
  const cases: [string, (doc: typeof base) => void, RegExp][] = [
    ['cert-file', (d) => Object.assign(admin(d), { 'client-certificate-data': undefined, 'client-certificate': '/nonexistent/admin.crt' }), /client-certificate of user "admin" \(\/nonexistent\/admin\.crt\) cannot be read: no such file/],
    ['key-file', (d) => Object.assign(admin(d), { 'client-key-data': undefined, 'client-key': '/nonexistent/admin.key' }), /client-key of user "admin" \(\/nonexistent\/admin\.key\) cannot be read/],
    ['ca-file', (d) => Object.assign(local(d), { 'certificate-authority-data': undefined, 'certificate-authority': '/nonexistent/ca.crt' }), /certificate-authority of cluster "local" \(\/nonexistent\/ca\.crt\) cannot be read/],
    ['cert-garbage', (d) => Object.assign(admin(d), { 'client-certificate-data': Buffer.from('not a certificate').toString('base64') }), /client-certificate \(-data\) of user "admin" cannot be used: it is not PEM/],
    ['ca-garbage', (d) => Object.assign(local(d), { 'certificate-authority-data': Buffer.from('not a certificate').toString('base64') }), /certificate-authority \(-data\) of cluster "local" cannot be used: it holds no PEM certificate/],
    ['undefined-user', (d) => (d.contexts.find((x) => x.name === 'west')!.context.user = 'ghost'), /context "west" names user "ghost", which the kubeconfig does not define: .*admin, nobody/],
    ['exec-not-json', (d) => (d.users.find((u) => u.name === 'admin')!.user = { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: '/bin/echo', args: ['hello'] } }), /exec credential plugin "\/bin\/echo" printed "hello", not an ExecCredential \(JSON\)/],
    ['exec-missing', (d) => (d.users.find((u) => u.name === 'admin')!.user = { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'kubectl-skupper-no-such-plugin' } }), /exec credential plugin "kubectl-skupper-no-such-plugin" is not installed \(executable not found on PATH\)/],
    ['exec-missing-hint', (d) => (d.users.find((u) => u.name === 'admin')!.user = { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'kubectl-skupper-no-such-plugin', installHint: 'install it from\nexample.com' } }), /is not installed \(executable not found on PATH\): install it from example\.com$/],
  ];
  for (const [name, change, expected] of cases) {
    const file = write(name, change);
    const line = failsWith(await plugin(['site', 'status', '-n', 'west', '--kubeconfig', file, '--context', 'west']), 1, name);
    assert.match(line, expected, `${name}: ${line}`);
    assert.not.match(line, /ENOENT|Unexpected token|spawn /, `${name}: no raw Node error`);
  }
  for (const [args, env, text] of [[['--kubeconfig', dir], {}, `kubeconfig file ${dir} (from --kubeconfig) is a directory`], [[], { KUBECONFIG: dir }, `kubeconfig file ${dir} (from KUBECONFIG) is a directory`]] as const) {
    const line = failsWith(await plugin(['site', 'status', ...args], { env }), 1, text);
    assert.match(line, text);
  }
});

test('-s host:port without a scheme is https, as in kubectl', async () => {
  const c = await cluster();
  const ns = await linkableSite();
  const hostPort = c.server.replace(/^https:\/\//, '');
  const res = await plugin(['site', 'status', '-s', hostPort, '-n', ns, '--kubeconfig', c.kubeconfig, '-v', '6']);
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stderr, `GET https://${hostPort}/apis/skupper.io/v2alpha1/namespaces/${ns}/sites`);
});

test('token redeem - reads the token from stdin; token inspect - too', async () => {
  const { west, east } = await twoSites();
  await grantServer(west);
  const { file, token } = await issue(west);
  const text = readFileSync(file, 'utf8');
  const inspect = await plugin(['token', 'inspect', '-'], { stdin: text });
  assert.is(inspect.code, 0, inspect.stderr);
  assert.match(inspect.stdout, `Token:`);
  const c = await cluster();
  const redeemed = await plugin(['token', 'redeem', '-', '--kubeconfig', c.kubeconfig, '-n', east], { stdin: text });
  assert.is(redeemed.code, 0, redeemed.stderr);
  assert.match(redeemed.stdout, `Token "${token.metadata.name}" redeemed`);
  assert.ok(await (await adminClient(east)).find(LINKS, token.metadata.name), 'the Link exists');
  const empty = usageFails(await plugin(['token', 'redeem', '-', '--kubeconfig', c.kubeconfig, '-n', east], { stdin: '' }), 'empty stdin');
  assert.match(empty, 'the token on stdin is empty');
});

test('/dev/null and /dev/stdout as output files: written in place, no temp file, no refusal', async () => {
  const c = await cluster();
  const ns = await linkableSite();
  const args = ['--kubeconfig', c.kubeconfig, '-n', ns];
  const toNull = await exe(['link', 'generate', '--output-file', '/dev/null', ...args]);
  assert.is(toNull.code, 0, toNull.stderr);
  assert.is(toNull.stdout, '');
  const toStdout = await exe(['link', 'generate', '--output-file', '/dev/stdout', ...args]);
  assert.is(toStdout.code, 0, toStdout.stderr);
  assert.equal(parseAllDocuments(toStdout.stdout).map((d) => (d.toJS() as { kind: string }).kind), ['Secret', 'Link']);
  // /dev/stdout that a shell redirected to a file (`> out.yaml`): the file holds the manifest.
  const dir = mkdtempSync(join(tmpdir(), 'ks-msg-out-'));
  const out = join(dir, 'out.yaml');
  const fd = openSync(out, 'w');
  const redirected = await exe(['link', 'generate', '--output-file', '/dev/stdout', ...args], fd);
  closeSync(fd);
  assert.is(redirected.code, 0, redirected.stderr);
  assert.equal(parseAllDocuments(readFileSync(out, 'utf8')).map((d) => (d.toJS() as { kind: string }).kind), ['Secret', 'Link']);
  assert.equal(readdirSync(dir), ['out.yaml'], 'no temp file beside it');
  // token issue: the token is the output on stdout; the summary goes to stderr.
  const { west } = await twoSites();
  await grantServer(west);
  const token = await exe(['token', 'issue', '/dev/stdout', '--kubeconfig', c.kubeconfig, '-n', west]);
  assert.is(token.code, 0, token.stderr);
  assert.is((parse(token.stdout) as AccessToken).kind, 'AccessToken');
  assert.match(token.stderr, 'Token written to /dev/stdout');
  // The redeem command it suggests names a file, not the device the token passed through.
  assert.match(token.stderr, '\n  kubectl skupper token redeem <file>\n');
  assert.match(token.stdout, '# Redeem:  kubectl skupper token redeem <file>\n');
  const dropped = await exe(['token', 'issue', '/dev/null', '--kubeconfig', c.kubeconfig, '-n', west]);
  assert.is(dropped.code, 0, dropped.stderr);
  assert.is(dropped.stdout, '');
  // A file name the shell would split is quoted in the command to paste.
  const spaced = join(mkdtempSync(join(tmpdir(), 'tok-')), 'west token.yaml');
  const named = await exe(['token', 'issue', spaced, '--kubeconfig', c.kubeconfig, '-n', west]);
  assert.is(named.code, 0, named.stderr);
  assert.match(named.stdout, `\n  kubectl skupper token redeem '${spaced}'\n`);
});

test('a token redeemed into the site that issued it is refused, in one line, with nothing spent', async () => {
  const { west, east } = await twoSites();
  await grantServer(west);
  const { file, token } = await issue(west);
  const client = await adminClient(west);
  const before = await client.get(ACCESS_GRANTS, token.metadata.name);
  const line = usageFails(await run(west, 'token', 'redeem', file), 'redeem into the issuing site');
  assert.match(line, `token "${token.metadata.name}" was issued by site "west" in namespace "${west}", the site it would be redeemed into`);
  assert.match(line, 'a site cannot link to itself');
  const after = await client.get(ACCESS_GRANTS, token.metadata.name);
  assert.is((after as AccessGrant).status?.redemptions ?? 0, (before as AccessGrant).status?.redemptions ?? 0, 'no redemption spent');
  assert.is(await client.find(LINKS, token.metadata.name), undefined, 'no Link made');
  assert.is(await client.find(SECRETS, token.metadata.name), undefined, 'no Secret made');
  // The token's single use is still there for the site it was meant for.
  const elsewhere = await run(east, 'token', 'redeem', file);
  assert.is(elsewhere.code, 0, elsewhere.stderr);
});

test('-o yaml and -o json leave out metadata.managedFields, as kubectl does', async () => {
  const ns = await linkableSite();
  const sites = await (await adminClient(ns)).list(SITES, ns);
  assert.ok((sites.items[0]!.metadata as { managedFields?: unknown }).managedFields, 'the API server keeps managedFields (else this test proves nothing)');
  for (const args of [['site', 'status', 'west', '-o', 'yaml'], ['site', 'status', 'west', '-o', 'json'], ['site', 'status', '-o', 'yaml'], ['site', 'status', '-o', 'json'], ['site', 'status', '-o', 'jsonpath={.items[0].metadata}']]) {
    const res = await run(ns, ...args);
    assert.is(res.code, 0, res.stderr);
    assert.match(res.stdout, 'west');
    assert.not.match(res.stdout, 'managedFields', args.join(' '));
  }
});

test.after.each(async () => {
  await stopGrantServers();
  await stopStandIns();
  linkable = undefined;
});

test.run();
