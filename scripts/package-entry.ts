// Entry point of the single-file CommonJS bundle that goes into the packaged executables
// (scripts/package.mjs). It does what src/main.ts does, without top-level await, which CommonJS
// (the only format a Node 24 single executable can start from) does not have.
import { runCli } from '../src/cli/run.js';

async function main(): Promise<void> {
  const stderrTTY = Boolean(process.stderr.isTTY);
  const code = await runCli(
    process.argv.slice(2),
    {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      colorDepth: process.stdout.isTTY ? process.stdout.getColorDepth() : 1,
      interactive: stderrTTY,
    },
    // In a single executable, argv[1] is the executable itself (kubectl-skupper, or the
    // kubectl-skupper-<os>-<arch> file in dist/), so help shows "kubectl skupper".
    process.env.KUBECTL_SKUPPER_ARGV0 ?? process.argv[1],
  );
  process.exitCode = code;
}

void main();
