// Entry point: the only place that touches process.exitCode.
import { enableCompileCache } from 'node:module';
import { runCli } from './cli/run.js';

// Node keeps compiled bytecode of our modules on disk (under the temp folder): later runs skip
// parsing and compiling the Kubernetes client, ~10% of a cluster command's time.
enableCompileCache?.();

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
  process.env.KUBECTL_SKUPPER_ARGV0 ?? process.argv[1],
);
process.exitCode = code;
