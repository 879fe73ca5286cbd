// The test runner: every test/**/*.test.ts in one process with uvu, so that one local cluster
// serves all files; then it stops the cluster and prints one closing line "N passed, N failed".
// The interop tests (test/interop/*.test.ts) run only in interop mode (test/interop/run.ts), and
// test/interop/real-routers*.test.ts only with the real routers built.
import { join } from 'node:path';
import { interop, keepLogs, stopAll } from './support/cluster.js';
import { realRouters } from './interop/real-router.js';

// An optional argument narrows the run to test files whose path matches it.
const only = process.argv[2] ? new RegExp(process.argv[2]) : undefined;
const { parse } = await import('uvu/parse');
const { run } = await import('uvu/run');

// On Ctrl-C or kill, exit at once: the harness's exit handler kills the cluster's processes and
// removes its folder synchronously, so nothing is left behind even if a test was mid-flight.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => process.exit(130));

// uvu prints its own totals; we read them to print the closing line CI understands.
let captured = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

const parsed = await parse('test', /\.test\.ts$/, { cwd: process.cwd() });
// The real-router tests run only when test/interop/run.ts has the router binaries (build-router.sh).
const suites = parsed.suites.filter((s) => (!only || only.test(s.file)) && (interop || !/^interop[\\/]/.test(s.name)) && (realRouters() || !/^interop[\\/]real-routers/.test(s.name)));
const totals = () => {
  const plain = captured.replace(/\u001b\[[0-9;]*m/g, '');
  return { total: Number(plain.match(/Total:\s+(\d+)/)?.[1] ?? 0), passed: Number(plain.match(/Passed:\s+(\d+)/)?.[1] ?? 0) };
};
let logs = '';
try {
  await run(suites, { bail: false });
  // A failed run keeps the clusters' logs (the harness removes its folder on stop).
  const { total, passed } = totals();
  if (passed !== total) {
    const dest = join('test-logs', new Date().toISOString().replace(/[:.]/g, '-'));
    if ((await keepLogs(dest)) > 0) logs = dest;
  }
} finally {
  await stopAll();
}
const { total, passed } = totals();
process.stdout.write = write;
if (logs) console.log(`\nlogs of the failed run: ${logs}/`);
console.log(`\ntests: ${passed} passed, ${total - passed} failed`);
if (total === 0 || passed !== total) process.exitCode = 1;
