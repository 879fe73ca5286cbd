// kubectl's connection flags are read by our argv pass and handed to the command (src/cli/argv.ts
// takeFlags, src/cli/base-command.ts withConnectionFlags); clipanion parses the rest.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { takeFlags } from '../../src/cli/argv.js';
import { CONNECTION_FLAGS } from '../../src/cli/base-command.js';
import { runCli } from '../../src/cli/run.js';

test('takeFlags: values by field, in any order; the rest keeps its order', () => {
  const taken = takeFlags(['site', 'status', '--kubeconfig=/k', '--output=yaml', '--as-group=a', '--namespace=west', '--as-group=b', '--v=6', 'name'], CONNECTION_FLAGS);
  assert.equal(taken, {
    rest: ['site', 'status', '--output=yaml', 'name'],
    values: { kubeconfig: '/k', asGroup: ['a', 'b'], namespace: 'west', verbosity: '6' },
  });
});

test('takeFlags: --insecure-skip-tls-verify bare, negated or with a value', () => {
  assert.equal(takeFlags(['--insecure-skip-tls-verify'], CONNECTION_FLAGS)?.values, { insecureSkipTlsVerify: true });
  assert.equal(takeFlags(['--no-insecure-skip-tls-verify'], CONNECTION_FLAGS)?.values, { insecureSkipTlsVerify: false });
  assert.equal(takeFlags(['--insecure-skip-tls-verify=false'], CONNECTION_FLAGS)?.values, { insecureSkipTlsVerify: 'false' });
});

test('takeFlags: a value flag without its value is left to the parser that reports it', () => {
  assert.is(takeFlags(['site', 'status', '--context'], CONNECTION_FLAGS), undefined);
});

test('a command parsed without the connection flags gets their values, and its help still lists them', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const context = { stdin: process.stdin, stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env: {}, colorDepth: 1, interactive: false } as never;
  const code = await runCli(['site', 'status', '--kubeconfig', '/nonexistent/kubeconfig', '--request-timeout=1s'], context);
  assert.is(code, 1, err.join(''));
  assert.match(err.join(''), /\/nonexistent\/kubeconfig/);
  await runCli(['site', 'status', '--help'], context);
  for (const flag of Object.keys(CONNECTION_FLAGS)) assert.ok(out.join('').includes(flag), `--help lists ${flag}`);
});

test.run();
