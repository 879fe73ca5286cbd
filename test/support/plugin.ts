// Runs the plugin in-process with its own streams, as a user would run it from a shell.
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/run.js';

export interface PluginResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function plugin(args: string[], opts: { env?: Record<string, string | undefined>; stdin?: string } = {}): Promise<PluginResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end(opts.stdin ?? '');
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  // No HOME fallback: tests say which kubeconfig they mean.
  const env = { HOME: '/nonexistent', ...opts.env };
  const code = await runCli(args, { stdin, stdout, stderr, env, colorDepth: 1, interactive: false }, 'kubectl-skupper');
  return { code, stdout: out, stderr: err };
}
