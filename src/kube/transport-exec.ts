// Runs a kubeconfig's exec credential plugin (client.authentication.k8s.io ExecCredential) as
// @kubernetes/client-node does: the command with its args, its env on top of ours, the JSON it
// prints as the credential, kept until its expirationTimestamp passes. Unlike client-node it is
// bounded: a plugin still running when the request's time is up is killed.
import { spawn } from 'node:child_process';
import { SkupperError } from '../errors.js';

export interface ExecConfig {
  command?: string;
  args?: string[] | null;
  env?: { name: string; value: string }[] | null;
  installHint?: string;
}

export interface ExecCredential {
  status?: { token?: string; clientCertificateData?: string; clientKeyData?: string; expirationTimestamp?: string };
}

export class ExecCredentials {
  private cached?: ExecCredential;

  constructor(
    private readonly exec: ExecConfig,
    private readonly env: Record<string, string | undefined>,
  ) {}

  /** The cached credential while it has not expired, else a fresh one from the plugin. */
  async get(signal: AbortSignal): Promise<ExecCredential> {
    const cached = this.cached;
    if (cached) {
      const expires = cached.status?.expirationTimestamp;
      if (!expires || Date.parse(expires) > Date.now()) return cached;
      this.cached = undefined;
    }
    const credential = await this.run(signal);
    this.cached = credential;
    return credential;
  }

  private run(signal: AbortSignal): Promise<ExecCredential> {
    const { command, args, env } = this.exec;
    if (!command) return Promise.reject(new SkupperError('CONFIG', "the kubeconfig's exec credential plugin has no command"));
    const fullEnv = { ...this.env };
    for (const e of env ?? []) fullEnv[e.name] = e.value;
    signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const child = spawn(command, args ?? [], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let failed: Error | undefined;
      const onAbort = () => child.kill('SIGKILL');
      signal.addEventListener('abort', onAbort, { once: true });
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', (err) => (failed = err));
      child.on('close', (code) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) return reject(signal.reason);
        const what = `the kubeconfig's exec credential plugin "${command}"`;
        if (failed) return reject(notRunnable(what, failed, this.exec.installHint));
        if (code !== 0) return reject(new SkupperError('CONFIG', `${what} failed (exit ${code}): ${oneLine(stderr) || 'no message'}`));
        let credential: ExecCredential;
        try {
          credential = JSON.parse(stdout) as ExecCredential;
        } catch (err) {
          const shown = oneLine(stdout).slice(0, 80);
          return reject(new SkupperError('CONFIG', `${what} printed ${shown ? `"${shown}"` : 'nothing'}, not an ExecCredential (JSON): check its command and args in the kubeconfig`, { cause: err }));
        }
        if (!credential?.status) return reject(new SkupperError('CONFIG', `${what} printed JSON without a "status": it must print an ExecCredential (client.authentication.k8s.io)`));
        resolve(credential);
      });
    });
  }
}

/** A plugin that does not start: not installed (kubectl's "executable ... not found"), or not executable. */
function notRunnable(what: string, err: NodeJS.ErrnoException, installHint: string | undefined): SkupperError {
  const hint = installHint ? oneLine(installHint) : 'install it, or fix exec.command in the kubeconfig';
  if (err.code === 'ENOENT') return new SkupperError('CONFIG', `${what} is not installed (executable not found on PATH): ${hint}`, { cause: err });
  if (err.code === 'EACCES') return new SkupperError('CONFIG', `${what} is not executable (permission denied): ${hint}`, { cause: err });
  return new SkupperError('CONFIG', `${what} cannot run: ${err.message}`, { cause: err });
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim().slice(0, 300);
}
