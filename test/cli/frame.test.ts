import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import { binaryName } from '../../src/cli/run.js';
import { plugin } from '../support/plugin.js';
import { usageFails } from './assert-cli.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

test('--help lists the command groups and version, exit 0', async () => {
  const r = await plugin(['--help']);
  assert.is(r.code, 0);
  assert.is(r.stderr, '');
  assert.match(r.stdout, /^Usage: kubectl skupper <command> \[flags\]$/m);
  for (const [group, verb] of [['Sites', 'site create'], ['Links', 'link status'], ['Tokens', 'token issue'], ['Other', 'version']]) {
    assert.match(r.stdout, new RegExp(`^${group}:$`, 'm'), `category ${group}`);
    assert.match(r.stdout, new RegExp(`^\\s+${verb}\\s+\\S`, 'm'), `command ${verb}`);
  }
  assert.not.match(r.stdout, '__complete');
});

test('no arguments prints the same overview as --help', async () => {
  const bare = await plugin([]);
  const help = await plugin(['--help']);
  assert.is(bare.code, 0);
  assert.is(bare.stderr, '');
  assert.is(bare.stdout.trim(), help.stdout.trim());
});

test('version prints the version from package.json and the Node version', async () => {
  const r = await plugin(['version']);
  assert.is(r.code, 0);
  assert.is(r.stderr, '');
  assert.match(r.stdout, `kubectl-skupper ${pkg.version} `);
  assert.match(r.stdout, process.version);
  assert.is(r.stdout.split('\n').filter(Boolean).length, 1);
});

test('version -o json is JSON with version and node', async () => {
  const r = await plugin(['version', '-o', 'json']);
  assert.is(r.code, 0);
  assert.is(r.stderr, '');
  const info = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.is(info.version, pkg.version);
  assert.is(info.node, process.version);
  assert.type(info.commit, 'string');
  assert.is(info.platform, `${process.platform}/${process.arch}`);
});

test('version -o yaml is YAML with the same fields', async () => {
  const r = await plugin(['version', '-o', 'yaml']);
  assert.is(r.code, 0);
  const info = parseYaml(r.stdout) as Record<string, unknown>;
  assert.is(info.version, pkg.version);
  assert.is(info.node, process.version);
});

test('version -o xml: exit 2, one line naming the format, nothing on stdout', async () => {
  const line = usageFails(await plugin(['version', '-o', 'xml']), 'version -o xml');
  assert.match(line, '"xml"');
  assert.match(line, 'json');
});

test('an unknown command: exit 2, one line naming it', async () => {
  const line = usageFails(await plugin(['foo']), 'foo');
  assert.match(line, '"foo"');
  assert.match(line, 'kubectl skupper --help');
});

test('an unknown verb in a group: exit 2, the line lists the group\'s verbs', async () => {
  const line = usageFails(await plugin(['site', 'foo']), 'site foo');
  assert.match(line, 'site foo');
  for (const verb of ['create', 'update', 'status', 'delete', 'generate']) assert.match(line, verb, verb);
});

test('an unknown flag: exit 2, the line names the flag and the command', async () => {
  const version = usageFails(await plugin(['version', '--bogus']), 'version --bogus');
  assert.match(version, '--bogus');
  assert.match(version, 'kubectl skupper version');
  const create = usageFails(await plugin(['site', 'create', 'x', '--bogus']), 'site create x --bogus');
  assert.match(create, '--bogus');
  assert.match(create, 'kubectl skupper site create');
  const bare = usageFails(await plugin(['--bogus']), '--bogus');
  assert.match(bare, '--bogus');
});

test('a missing argument: exit 2, the line names the command', async () => {
  const line = usageFails(await plugin(['site', 'create']), 'site create');
  assert.match(line, /missing argument/);
  assert.match(line, 'kubectl skupper site create');
});

test('too many arguments: exit 2', async () => {
  const line = usageFails(await plugin(['site', 'create', 'x', 'y']), 'site create x y');
  assert.match(line, 'kubectl skupper site create');
});

test('a flag without its value: exit 2, the line names the flag', async () => {
  const line = usageFails(await plugin(['site', 'create', 'x', '--wait']), 'site create x --wait');
  assert.match(line, '--wait');
});

test('the binary name in usage is "kubectl skupper"', async () => {
  const r = await plugin(['site', 'create', '--help']);
  assert.is(r.code, 0);
  assert.is(r.stderr, '');
  assert.match(r.stdout, 'kubectl skupper site create');
  assert.not.match(r.stdout, 'kubectl-skupper site');
  assert.match(r.stdout, '--enable-link-access');
});

test('a group alone lists its commands, exit 0', async () => {
  const r = await plugin(['site']);
  assert.is(r.code, 0);
  assert.is(r.stderr, '');
  for (const verb of ['create', 'update', 'status', 'delete', 'generate']) assert.match(r.stdout, `kubectl skupper site ${verb}`, verb);
  assert.not.match(r.stdout, 'kubectl skupper link');
});

test('binaryName maps every way the plugin is started to "kubectl skupper"', () => {
  assert.is(binaryName('kubectl-skupper'), 'kubectl skupper');
  assert.is(binaryName('/usr/bin/kubectl-skupper'), 'kubectl skupper');
  assert.is(binaryName('main.mjs'), 'kubectl skupper');
  assert.is(binaryName('/work/main/build/main.mjs'), 'kubectl skupper');
  assert.is(binaryName('src/main.ts'), 'kubectl skupper');
  assert.is(binaryName(undefined), 'kubectl skupper');
});

test.run();
