// Builds a KubeClient from kubectl-style connection settings: finds the kubeconfig, applies the
// client flags, and takes credentials from the fast path when it can, else from
// @kubernetes/client-node (loaded only then: it costs most of a command's start-up).
import { homedir } from 'node:os';
import { SkupperError } from '../errors.js';
import { useDefaultTrust } from '../tls-trust.js';
import { KubeClient } from './client.js';
import { checkReferencedFiles, loadKubeconfig, type KubeconfigInputs, type KubeconfigOverrides } from './kubeconfig.js';
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
  checkReferencedFiles(resolved, settings.overrides);
  // Groups alone would reach the server as our own user with extra groups; client-go refuses that.
  const impersonated = settings.overrides?.as || (resolved.source === 'files' && typeof resolved.user.user.as === 'string' && resolved.user.user.as);
  if ((settings.asGroups ?? []).length > 0 && !impersonated) {
    throw new SkupperError('USAGE', 'requesting uid or groups without impersonating a user: --as-group needs --as <user> too');
  }
  let source: AuthSource;
  try {
    const fast = fastPath(resolved, env);
    if ('source' in fast) fast.checkTls();
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
  const target = { kubeconfig: settings.kubeconfig, context: settings.context, namespace: settings.namespace };
  return new KubeClient(new Transport(source, limits, verbosity, log), resolved.namespace, watchSeconds(env), target);
}

/** KUBECTL_SKUPPER_TEST_WATCH_SECONDS: short watches, so that tests see watches end and start again. */
function watchSeconds(env: Record<string, string | undefined>): number | undefined {
  const value = Number(env.KUBECTL_SKUPPER_TEST_WATCH_SECONDS);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

async function clientNode(resolved: Parameters<typeof fastPath>[0], reason: string): Promise<AuthSource> {
  // client-node's authenticators and proxy agents connect with Node's default trust of their own.
  useDefaultTrust();
  const { clientNodeSource } = await import('./transport-client-node.js');
  return clientNodeSource(resolved, reason, (message, cause) => new SkupperError('CONFIG', message, { cause }));
}
