// The network's services view on hand-made snapshots (pure logic: no cluster needed): routing keys
// with their ends per site, reachability over links in either direction, and what cannot work.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Connector, Link, Listener, Site } from '../../src/kube/resources.js';
import { buildNetwork } from '../../src/network/graph.js';
import type { Snapshot } from '../../src/network/read.js';

const ok = (type: string) => ({ type, status: 'True' as const, reason: 'Ready', message: 'OK', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 1 });

function site(name: string, port: number): Site {
  return {
    apiVersion: 'skupper.io/v2alpha1', kind: 'Site', metadata: { name, namespace: name, uid: `uid-${name}`, generation: 1 },
    spec: { linkAccess: 'default' },
    status: { status: 'Ready', message: 'OK', conditions: [ok('Configured'), ok('Running')], endpoints: [{ name: 'inter-router', host: '10.0.0.1', port: String(port), group: 'skupper-router' }] },
  };
}

/** A Ready link from namespace `ns` to the site whose endpoint port is `port`. */
function link(name: string, ns: string, port: number): Link {
  return {
    apiVersion: 'skupper.io/v2alpha1', kind: 'Link', metadata: { name, namespace: ns, uid: `uid-${ns}-${name}`, generation: 1 },
    spec: { endpoints: [{ name: 'inter-router', host: '10.0.0.1', port: String(port), group: 'skupper-router' }], cost: 1, tlsCredentials: name },
    status: { status: 'Ready', message: 'OK', conditions: [ok('Configured'), ok('Operational')] },
  };
}

const listener = (name: string, ns: string, key: string): Listener => ({
  apiVersion: 'skupper.io/v2alpha1', kind: 'Listener', metadata: { name, namespace: ns, uid: `l-${ns}-${name}` }, spec: { routingKey: key, host: name, port: 80 },
  status: { status: 'Ready', message: 'OK' },
});
const connector = (name: string, ns: string, key: string, target: { selector?: string; host?: string }): Connector => ({
  apiVersion: 'skupper.io/v2alpha1', kind: 'Connector', metadata: { name, namespace: ns, uid: `c-${ns}-${name}` }, spec: { routingKey: key, port: 8080, ...target },
});

function snap(ns: string, port: number, o: { links?: Link[]; listeners?: Listener[]; connectors?: Connector[]; pods?: Record<string, number> } = {}): Snapshot {
  return { context: 'ctx', namespace: ns, sites: [site(ns, port)], links: o.links ?? [], listeners: o.listeners ?? [], connectors: o.connectors ?? [], selectedPods: o.pods ?? {} };
}

test('a listener reaches a connector on a site linked either way, also through another site; not one in an unlinked network', () => {
  // a -> b <- c are linked (c through b); d stands alone.
  const net = buildNetwork([
    snap('a', 1, { links: [link('ab', 'a', 2)], listeners: [listener('front', 'a', 'backend')] }),
    snap('b', 2, { connectors: [connector('backend', 'b', 'backend', { selector: 'app=backend' })], pods: { backend: 2 } }),
    snap('c', 3, { links: [link('cb', 'c', 2)], listeners: [listener('front', 'c', 'backend')] }),
    snap('d', 4, { listeners: [listener('front', 'd', 'backend')] }),
  ]);
  assert.is(net.services.length, 1);
  const [svc] = net.services;
  assert.is(svc!.routingKey, 'backend');
  assert.equal(svc!.connectors.map((c) => [c.site, c.selectedPods, c.target]), [['ctx/b/b', 2, 'app=backend']]);
  assert.equal(svc!.listeners.map((l) => [l.site, l.reachesConnector]), [['ctx/a/a', true], ['ctx/c/c', true], ['ctx/d/d', false]]);
  const problems = net.problems.filter((p) => ['no-connector', 'unlinked-service', 'no-pods'].includes(p.kind));
  assert.equal(problems, [{ kind: 'unlinked-service', message: 'routing key "backend": listener front on site d and connector backend on site b are in different, unlinked networks: link them with "kubectl skupper link sites --from ctx/d --to ctx/b"' }]);
});

test('flags a listener with no connector anywhere and a connector that selects no ready pod; a host connector counts no pods', () => {
  const net = buildNetwork([
    snap('a', 1, { links: [link('ab', 'a', 2)], listeners: [listener('orphan', 'a', 'nothing'), listener('db', 'a', 'db')], connectors: [connector('idle', 'a', 'idle', { selector: 'app in (idle,spare)' })], pods: { idle: 0 } }),
    snap('b', 2, { connectors: [connector('db', 'b', 'db', { host: 'db.example.com' })] }),
  ]);
  assert.equal(net.services.map((s) => s.routingKey), ['db', 'idle', 'nothing']);
  const db = net.services[0]!;
  assert.is(db.listeners[0]!.reachesConnector, true);
  assert.is(db.connectors[0]!.selectedPods, undefined, 'a host connector reaches no pods');
  assert.is(db.connectors[0]!.target, 'db.example.com');
  assert.is(db.connectors[0]!.status, 'Pending', 'no status yet reads Pending');
  const kinds = net.problems.map((p) => p.kind).filter((k) => ['no-connector', 'unlinked-service', 'no-pods'].includes(k));
  assert.equal(kinds.sort(), ['no-connector', 'no-pods']);
  assert.match(net.problems.find((p) => p.kind === 'no-connector')!.message, /^listener orphan on site a has no connector for routing key "nothing" on any site read/);
  // The command to paste keeps the context and quotes a selector the shell would split.
  assert.is(net.problems.find((p) => p.kind === 'no-pods')!.message, `connector idle on site a selects no ready pod (selector app in (idle,spare)): check "kubectl get pods -l 'app in (idle,spare)' --context ctx -n a"`);
});

test('listeners and connectors that could not be read are said, without hiding sites and links', () => {
  const net = buildNetwork([{ ...snap('a', 1), servicesError: 'you are not allowed to list listeners.skupper.io' }]);
  assert.is(net.sites.length, 1);
  assert.equal(net.services, []);
  assert.equal(net.problems.filter((p) => p.kind === 'services-unread').map((p) => p.message), ['listeners and connectors of context "ctx" (namespace "a") cannot be read: you are not allowed to list listeners.skupper.io']);
});

test('snapshots without listeners and connectors (not read) give no services and no service problems', () => {
  const net = buildNetwork([{ context: 'ctx', namespace: 'a', sites: [site('a', 1)], links: [] }]);
  assert.equal(net.services, []);
});

test.run();
