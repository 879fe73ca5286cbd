// Which sites a command means, as CONTEXT[/NAMESPACE] references, and the contexts a kubeconfig
// offers. Pure: parses text and reads kubeconfig files, reaches no cluster.
import { homedir } from 'node:os';
import { usageError } from '../errors.js';
import { loadContextNames } from '../kube/kubeconfig.js';
import { checkName } from '../site/validate.js';

export interface SiteRef {
  context: string;
  /** Undefined: the context's own namespace (or -n). */
  namespace?: string;
}

/** "west", "west/team-a". A context name may hold "/" only before the namespace part, as kubectl allows it nowhere. */
export function parseSiteRef(text: string, flag: string): SiteRef {
  const trimmed = text.trim();
  const slash = trimmed.lastIndexOf('/');
  const context = slash >= 0 ? trimmed.slice(0, slash) : trimmed;
  const namespace = slash >= 0 ? trimmed.slice(slash + 1) : undefined;
  if (!context) throw usageError(`invalid ${flag} "${text}": use CONTEXT or CONTEXT/NAMESPACE`);
  if (namespace === '') throw usageError(`invalid ${flag} "${text}": the namespace after "/" is empty: use CONTEXT or CONTEXT/NAMESPACE`);
  if (namespace !== undefined) checkName(namespace, `namespace in ${flag}`);
  return { context, namespace };
}

/** A comma-separated list of references; repeated ones count once. An empty entry is a typo, refused. */
export function parseSiteRefs(text: string, flag: string): SiteRef[] {
  const form = 'list contexts as CONTEXT[/NAMESPACE],... (e.g. west,east/team-a)';
  if (text.trim() === '') throw usageError(`${flag} is empty: ${form}`);
  const parts = text.split(',').map((p) => p.trim());
  const empty = parts.findIndex((p) => p === '');
  if (empty >= 0) throw usageError(`invalid ${flag} "${text}": entry ${empty + 1} is empty: ${form}`);
  const refs = parts.map((p) => parseSiteRef(p, flag));
  return refs.filter((r, i) => refs.findIndex((o) => refKey(o) === refKey(r)) === i);
}

export function refKey(ref: SiteRef): string {
  return ref.namespace ? `${ref.context}/${ref.namespace}` : ref.context;
}

/** Every context of the kubeconfig the command would use, sorted; the current one when running in a cluster. */
export async function kubeconfigContexts(inputs: { kubeconfig?: string; env: Record<string, string | undefined> }): Promise<{ contexts: string[]; current?: string }> {
  return (await loadContextNames({ kubeconfig: inputs.kubeconfig, env: inputs.env, homeDir: inputs.env.HOME || homedir() })) ?? { contexts: [] };
}
