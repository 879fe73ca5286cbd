// The network graph's rules on hand-made snapshots (pure logic: no cluster needed).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Link, Site } from '../../src/kube/resources.js';
import { buildNetwork } from '../../src/network/graph.js';
import type { Snapshot } from '../../src/network/read.js';

const ok = (type: string) => ({ type, status: 'True' as const, reason: 'Ready', message: 'OK', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 1 });

function site(name: string, ns: string, port?: number): Site {
  return {
    apiVersion: 'skupper.io/v2alpha1', kind: 'Site', metadata: { name, namespace: ns, uid: `uid-${ns}-${name}`, generation: 1 },
    spec: port ? { linkAccess: 'default' } : {},
    status: { status: 'Ready', message: 'OK', conditions: [ok('Configured'), ok('Running')], endpoints: port ? [{ name: 'inter-router', host: '10.0.0.1', port: String(port), group: 'skupper-router' }] : [] },
  };
}

function link(name: string, ns: string, port: number, opts: { cost?: number; ready?: boolean; remote?: string; group?: string } = {}): Link {
  const ready = opts.ready ?? true;
  return {
    apiVersion: 'skupper.io/v2alpha1', kind: 'Link', metadata: { name, namespace: ns, uid: `uid-${ns}-${name}`, generation: 1 },
    spec: { endpoints: [{ name: 'inter-router', host: '10.0.0.1', port: String(port), group: opts.group ?? 'skupper-router' }], cost: opts.cost ?? 1, tlsCredentials: name },
    status: ready ? { status: 'Ready', message: 'OK', conditions: [ok('Configured'), ok('Operational')], ...(opts.remote ? { remoteSiteName: opts.remote } : {}) } : { status: 'Pending', message: 'Not Operational' },
  };
}

const snap = (context: string, namespace: string, sites: Site[], links: Link[] = []): Snapshot => ({ context, namespace, sites, links });

test('a link to an unknown endpoint is dangling; an isolated site is unlinked', () => {
  const net = buildNetwork([snap('c', 'a', [site('a', 'a', 1)], [link('gone', 'a', 9)]), snap('c', 'b', [site('b', 'b', 2)])]);
  assert.equal(net.problems.map((p) => p.kind), ['dangling', 'unlinked']);
  assert.match(net.problems[1]!.message, /^site b is not linked/);
  assert.match(net.problems[0]!.message, /link gone from a points at no known site \(10\.0\.0\.1:9\)/);
  assert.is(net.links[0]!.to, undefined);
});

test('matched by the remote site name when the endpoint is not one we know (e.g. behind NAT)', () => {
  const net = buildNetwork([snap('c', 'a', [site('a', 'a')], [link('l', 'a', 7, { remote: 'b' })]), snap('c', 'b', [site('b', 'b', 2)])]);
  assert.is(net.links[0]!.to, 'c/b/b');
  assert.is(net.links[0]!.matchedBy, 'remote site name');
  assert.equal(net.problems, []);
});

test('links both ways: duplicate when the costs agree, asymmetric when they differ; the same way twice is a duplicate', () => {
  const same = buildNetwork([snap('c', 'a', [site('a', 'a', 1)], [link('ab', 'a', 2)]), snap('c', 'b', [site('b', 'b', 2)], [link('ba', 'b', 1)])]);
  assert.equal(same.problems.map((p) => p.kind), ['duplicate']);
  assert.match(same.problems[0]!.message, /a and b link to each other both ways \(ab, ba; both cost 1\)/);
  const costs = buildNetwork([snap('c', 'a', [site('a', 'a', 1)], [link('ab', 'a', 2, { cost: 5 })]), snap('c', 'b', [site('b', 'b', 2)], [link('ba', 'b', 1)])]);
  assert.equal(costs.problems.map((p) => p.kind), ['asymmetric']);
  const twice = buildNetwork([snap('c', 'a', [site('a', 'a')], [link('x', 'a', 2), link('y', 'a', 2)]), snap('c', 'b', [site('b', 'b', 2)])]);
  assert.equal(twice.problems.map((p) => p.message), ['links x, y all lead from a to b: keep one']);
  // HA: one link per router group is not a duplicate.
  const ha = buildNetwork([snap('c', 'a', [site('a', 'a')], [link('x', 'a', 2), link('y', 'a', 2, { group: 'skupper-router-2' })]), snap('c', 'b', [site('b', 'b', 2)])]);
  assert.equal(ha.problems, []);
});

test('endpoints of one site but the controller names another: mismatch; same names in two contexts get their context in the label', () => {
  const net = buildNetwork([snap('x', 'a', [site('a', 'a')], [link('l', 'a', 2, { remote: 'zzz' })]), snap('y', 'b', [site('a', 'b', 2)])]);
  assert.equal(net.sites.map((s) => s.label), ['a (x/a)', 'a (y/b)']);
  assert.equal(net.problems.map((p) => p.kind), ['mismatch']);
});

test('a context that failed is reported first, sorted by context', () => {
  const net = buildNetwork([snap('z', 'a', [site('a', 'a')]), { ...snap('b', 'n', []), error: 'no route', unreachable: true }, snap('c', 'empty', [])]);
  assert.equal(net.contexts.map((c) => `${c.context} ${c.state}`), ['b unreachable', 'c no-site', 'z ok']);
  assert.equal(net.problems.map((p) => p.kind), ['unreachable', 'no-site']);
});

test.run();
