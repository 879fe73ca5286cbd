// Builds a KubeClient from kubectl-style connection settings: finds the kubeconfig, applies the
// client flags, and takes credentials from the fast path when it can, else from
// @kubernetes/client-node (loaded only then: it costs most of a command's start-up).
import { homedir } from 'node:os';
import { SkupperError } from '../errors.js';
import { useDefaultTrust } from '../tls-trust.js';
import { KubeClient } from './client.js';
import { loadKubeconfig, type KubeconfigInputs, type KubeconfigOverrides } from './kubeconfig.js';
import { withGroups, type AuthSource } from './transport-auth.js';
import { fastPath } from './transport-fast.js';
import { Transport, type Limits, type Logger } from './transport.js';

export type ConnectionSettings = Omit<KubeconfigInputs, 'env' | 'homeDir'> & {
  env?: Record<string, string | undefined>;
  /** --timeout as a deadline, and --request-timeout. */
  limits?: Limits;
  /** Per-request limit, for callers without a deadline (completion); same as limits.requestTimeoutMs. */
  requestTimeoutMs?: number;
  overrides?: KubeconfigOverrides;
  /** --as-group, repeatable. */
  asGroups?: string[];
  /** -v: 6 logs each request, 7 its headers (credentials masked), 8 the response headers. */
  verbosity?: number;
  log?: Logger;
};

export async function connect(settings: ConnectionSettings): Promise<KubeClient> {
  const env = settings.env ?? process.env;
  const resolved = await loadKubeconfig({ ...settings, env, homeDir: env.HOME || homedir() });
  let source: AuthSource;
  try {
    const fast = fastPath(resolved, env);
    source = 'source' in fast ? fast.source : await clientNode(resolved, fast.declined);
  } catch (err) {
    if (err instanceof SkupperError) throw err;
    throw new SkupperError('CONFIG', `the kubeconfig cannot be used: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  source = withGroups(source, settings.asGroups ?? []);
  const verbosity = settings.verbosity ?? 0;
  const log = settings.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (verbosity >= 6) {
    const where = resolved.source === 'files' ? `context "${resolved.contextName}" from ${resolved.files.join(', ') || 'flags'}` : 'in-cluster service account';
    log(`kubeconfig: ${where}; server ${source.server}; credentials via ${source.via}`);
  }
  // Callers without limits of their own (tests, stand-ins, scripts) get 30 s per request, as before.
  const limits: Limits = settings.limits ?? { requestTimeoutMs: settings.requestTimeoutMs ?? 30_000 };
  return new KubeClient(new Transport(source, limits, verbosity, log), resolved.namespace, { kubeconfig: settings.kubeconfig, context: settings.context, namespace: settings.namespace });
}

async function clientNode(resolved: Parameters<typeof fastPath>[0], reason: string): Promise<AuthSource> {
  // client-node's authenticators and proxy agents connect with Node's default trust of their own.
  useDefaultTrust();
  const { clientNodeSource } = await import('./transport-client-node.js');
  return clientNodeSource(resolved, reason, (message, cause) => new SkupperError('CONFIG', message, { cause }));
}
