// Output into a closed pipe (`kubectl skupper <command> | true`, `| head -c0`) ends the process
// quietly, as it ends kubectl: exit 141 (what a shell reports for kubectl, killed by SIGPIPE) and
// nothing on stderr, never a Node stack trace. Every command of src/commands/index.ts is run, so a
// new command is covered without a change here: --help for each, and the commands that print data
// for real against the local cluster, through the built executable (bin/kubectl-skupper).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Command } from 'clipanion';
import { commands } from '../../src/commands/index.js';
import { CLOSED_PIPE_EXIT_CODE } from '../../src/cli/closed-pipe.js';
import { cluster, stopStandIns } from '../support/cluster.js';
import { runIntoClosedPipe } from '../support/closed-pipe.js';
import { grantServer, issue, stopGrantServers, twoSites, workDir } from '../token/support.js';

const BIN = fileURLToPath(new URL('../../bin/kubectl-skupper', import.meta.url));

/** Each command's words ("" for the root), from the registry itself. */
function commandPaths(): string[] {
  return commands.flatMap((c) => (c.paths ?? []).map((p) => (p === Command.Default || p.length === 0 ? '' : p.join(' '))));
}

async function env(): Promise<Record<string, string>> {
  return { PATH: '/usr/bin:/bin', HOME: '/nonexistent', KUBECONFIG: (await cluster()).kubeconfig };
}

async function assertQuiet(args: string[], opts: { closeStderr?: boolean } = {}): Promise<void> {
  const result = await runIntoClosedPipe(BIN, args, { env: await env(), closeStderr: opts.closeStderr });
  const shown = `kubectl skupper ${args.join(' ')}`;
  assert.not.match(result.stderr, /EPIPE|node:events|Unhandled 'error'|\n\s+at /, `${shown}: no stack trace on stderr`);
  assert.is(result.stderr, '', `${shown}: nothing on stderr`);
  assert.is(result.code, CLOSED_PIPE_EXIT_CODE, `${shown}: exit code (stderr: ${result.stderr})`);
}

test('the registry has the commands this test expects to find (enumeration works)', () => {
  const paths = commandPaths();
  for (const p of ['', 'version', 'site create', 'link generate', 'token redeem', 'network status', 'doctor', 'grant-server', 'completion', 'listener create', 'connector status']) {
    assert.ok(paths.includes(p), `command "${p}" is registered`);
  }
});

test('every command --help into a closed pipe: exit 141, nothing on stderr', async () => {
  for (const path of commandPaths()) await assertQuiet([...(path ? path.split(' ') : []), '--help']);
});

test('commands that print data, run for real into a closed pipe: exit 141, nothing on stderr', async () => {
  const { west, east } = await twoSites();
  await grantServer(west);
  const { file } = await issue(west);
  const fresh = join(workDir(), 'token.yaml');
  const invocations: string[][] = [
    [],
    ['version'],
    ['version', '-o', 'json'],
    ['site', 'status', '-n', west],
    ['site', 'status', 'west', '-n', west, '-o', 'yaml'],
    ['site', 'status', '-A', '-o', 'jsonpath={.items[*].metadata.name}'],
    ['site', 'generate', 'somewhere'],
    ['link', 'status', '-n', east],
    ['link', 'generate', '-n', west],
    ['network', 'status', '--contexts', `west/${west},east/${east}`],
    ['doctor', '-n', west],
    ['token', 'inspect', file],
    ['token', 'issue', fresh, '-n', west],
    ['token', 'redeem', file, '-n', east],
    ['completion', 'bash'],
    ['__complete', 'site', ''],
  ];
  for (const args of invocations) await assertQuiet(args);
  // Errors into a closed stderr (`2>&1 | true`) end as quietly.
  await assertQuiet(['site', 'no-such-verb'], { closeStderr: true });
  await assertQuiet(['site', 'status', '-n', west], { closeStderr: true });
});

test.after.each(async () => {
  await stopGrantServers();
  await stopStandIns();
});

test.run();
