// Runs an executable with its stdout (and optionally stderr) a pipe whose reader has already gone,
// as `cmd | true` does once true has exited: every write the process makes fails with EPIPE.
import { spawn } from 'node:child_process';

export interface ClosedPipeResult {
  /** The exit code, or 128 + the signal number when a signal ended it (as a shell reports). */
  code: number;
  /** What it printed on stderr (empty when stderr was closed too). */
  stderr: string;
}

const SIGNALS: Record<string, number> = { SIGPIPE: 13, SIGINT: 2, SIGTERM: 15, SIGKILL: 9, SIGABRT: 6, SIGSEGV: 11 };

export function runIntoClosedPipe(command: string, args: string[], opts: { env: Record<string, string>; closeStderr?: boolean }): Promise<ClosedPipeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed at once: node takes far longer to start than this takes, so the reader is gone
    // before the child's first write.
    child.stdout.destroy();
    if (opts.closeStderr) child.stderr.destroy();
    let stderr = '';
    if (!opts.closeStderr) child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? 128 + (SIGNALS[signal ?? ''] ?? 0), stderr }));
  });
}
