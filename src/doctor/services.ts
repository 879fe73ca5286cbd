// The site's listeners and connectors: a listener with no connector in the network this site
// reaches, a connector that selects no ready pod, and any the controller reports in error.
import type { KubeClient } from '../kube/client.js';
import { CONNECTORS, LISTENERS, type Connector, type Listener } from '../kube/resources.js';
import { selectedPodCounts } from '../service/pods.js';
import { serviceState } from '../service/state.js';
import { currentError } from '../status/readiness.js';
import { compareText } from '../compare.js';
import { shellWord } from '../kube/target-flags.js';
import { cannotTell, fail, flagsFor, pass, warn, type Check, type Where } from './check.js';

export async function checkServices(client: KubeClient, where: Where): Promise<Check[]> {
  let listeners: Listener[];
  let connectors: Connector[];
  try {
    [listeners, connectors] = await Promise.all([client.list(LISTENERS, where.namespace), client.list(CONNECTORS, where.namespace)]).then(([l, c]) => [l.items, c.items]);
  } catch (err) {
    return [cannotTell('services', 'Services', err)];
  }
  if (listeners.length === 0 && connectors.length === 0) return [pass('services', 'Services', 'this site has no listeners or connectors')];
  const byName = <T extends { metadata: { name: string } }>(a: T, b: T) => compareText(a.metadata.name, b.metadata.name);
  let pods: Record<string, number> | Error;
  try {
    pods = await selectedPodCounts(client, where.namespace, connectors);
  } catch (err) {
    pods = err as Error;
  }
  return [...listeners.sort(byName).map((l) => checkListener(l, where)), ...connectors.sort(byName).map((c) => checkConnector(c, pods, where))];
}

function checkListener(l: Listener, where: Where): Check {
  const id = `listener/${l.metadata.name}`;
  const title = `Listener ${l.metadata.name}`;
  const key = l.spec.routingKey;
  const error = currentError(l);
  const state = serviceState(l);
  if (error) return fail(id, title, `routing key "${key}": ${error}`, `see "kubectl skupper listener status ${l.metadata.name}${flagsFor(where)}"`);
  if (l.status?.hasMatchingConnector) return pass(id, title, `routing key "${key}" reaches a connector; clients use ${l.spec.host}:${l.spec.port}`);
  if (!l.status?.status) return warn(id, title, `routing key "${key}": the controller has not configured it yet`, 'is the Skupper controller running for this namespace?');
  return fail(
    id,
    title,
    `routing key "${key}" has no connector on any site this site is linked to (${state.status}: ${state.message})`,
    `expose the backend on its site with "kubectl skupper connector create ${key} <port> --routing-key ${key}", and make sure that site is linked to this one ("kubectl skupper network status --contexts <this>,<that>" shows both)`,
  );
}

function checkConnector(c: Connector, counts: Record<string, number> | Error, where: Where): Check {
  const id = `connector/${c.metadata.name}`;
  const title = `Connector ${c.metadata.name}`;
  const key = c.spec.routingKey;
  const target = c.spec.selector !== undefined ? `selector ${c.spec.selector}` : `host ${c.spec.host ?? ''}`;
  let pods: number | undefined;
  if (c.spec.selector !== undefined) {
    if (counts instanceof Error) return cannotTell(id, title, counts);
    pods = counts[c.metadata.name] ?? 0;
    if (pods === 0) {
      const ready = c.spec.includeNotReadyPods ? 'running' : 'ready';
      return fail(id, title, `routing key "${key}": ${target} selects no ${ready} pod, so there is nothing to connect to`, `check "kubectl get pods -l ${shellWord(c.spec.selector)}${flagsFor(where)}", or change it with "kubectl skupper connector update ${c.metadata.name} --selector <labels>${flagsFor(where)}"`);
    }
  }
  const error = currentError(c);
  if (error) return fail(id, title, `routing key "${key}": ${error}`, `see "kubectl skupper connector status ${c.metadata.name}${flagsFor(where)}"`);
  const reach = pods === undefined ? target : `${target}: ${pods} ${pods === 1 ? 'pod' : 'pods'}`;
  if (c.status?.hasMatchingListener) return pass(id, title, `routing key "${key}" (${reach}) has a listener`);
  if (!c.status?.status) return warn(id, title, `routing key "${key}" (${reach}): the controller has not configured it yet`, 'is the Skupper controller running for this namespace?');
  return warn(id, title, `routing key "${key}" (${reach}): no listener on any linked site uses it yet`, `consume it on another site with "kubectl skupper listener create ${key} <port>"`);
}

