// Builds a KubeClient from kubectl-style connection settings. Loads the Kubernetes client only
// here, so commands that never reach a cluster stay fast.
import { homedir } from 'node:os';
import { SkupperError } from '../errors.js';
import { KubeClient } from './client.js';
import { resolveKubeconfig, type KubeconfigInputs } from './kubeconfig.js';

export type ConnectionSettings = Omit<KubeconfigInputs, 'env' | 'homeDir'> & {
  env?: Record<string, string | undefined>;
  requestTimeoutMs?: number;
};

export async function connect(settings: ConnectionSettings): Promise<KubeClient> {
  const env = settings.env ?? process.env;
  const resolved = resolveKubeconfig({ ...settings, env, homeDir: env.HOME || homedir() });
  const { KubeConfig } = await import('@kubernetes/client-node/dist/config.js');
  const kc = new KubeConfig();
  try {
    if (resolved.source === 'in-cluster') kc.loadFromCluster();
    else kc.loadFromString(JSON.stringify(resolved.config));
  } catch (err) {
    throw new SkupperError('CONFIG', `the kubeconfig cannot be used: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  return new KubeClient(kc, resolved.namespace, settings.requestTimeoutMs);
}
