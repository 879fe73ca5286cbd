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
        if (failed) return reject(new SkupperError('CONFIG', `${what} cannot run: ${failed.message}`, { cause: failed }));
        if (code !== 0) return reject(new SkupperError('CONFIG', `${what} failed (exit ${code}): ${oneLine(stderr) || 'no message'}`));
        try {
          const credential = JSON.parse(stdout) as ExecCredential;
          if (!credential?.status) throw new Error('no "status" in its output');
          resolve(credential);
        } catch (err) {
          reject(new SkupperError('CONFIG', `${what} printed no ExecCredential: ${(err as Error).message}`, { cause: err }));
        }
      });
    });
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim().slice(0, 300);
}
