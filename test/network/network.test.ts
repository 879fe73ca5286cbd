// network status on the real API server: four namespaces-as-sites read through two "clusters"
// (contexts that reach the API server by different names), one broken link, and a context whose
// server does not answer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import parseDot from 'dotparser';
import { parseAllDocuments } from 'yaml';
import { LINKS, SECRETS, type Link, type Secret } from '../../src/kube/resources.js';
import type { Network } from '../../src/network/graph.js';
import { adminClient, cluster, freshNamespace, standIn, stopStandIns, configureNow } from '../support/cluster.js';
import { kubeconfigWith, withoutCurrentContext } from '../support/kubeconfig.js';
import { plugin } from '../support/plugin.js';

interface TestNetwork {
  kubeconfig: string;
  ns: { paris: string; london: string; tokyo: string; lima: string };
  contexts: string;
}

let built: Promise<TestNetwork> | undefined;

async function generate(ns: string, name: string, cost: number): Promise<[Secret, Link]> {
  const c = await cluster();
  const res = await plugin(['link', 'generate', '--kubeconfig', c.kubeconfig, '-n', ns, '--name', name, '--tls-credentials', name, '--cost', String(cost)]);
  assert.is(res.code, 0, res.stderr);
  return parseAllDocuments(res.stdout).map((d) => d.toJS()) as [Secret, Link];
}

async function apply(ns: string, objects: (Secret | Link)[]): Promise<void> {
  const client = await adminClient(ns);
  for (const o of objects) await client.create((o.kind === 'Secret' ? SECRETS : LINKS) as never, o as never);
}

async function waitStatus(ns: string, name: string, status: string): Promise<void> {
  const client = await adminClient(ns);
  for (let i = 0; i < 100; i++) {
    if ((await client.get(LINKS, name)).status?.status === status) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.unreachable(`link ${name} in ${ns} never became ${status}`);
}

/**
 * paris <- london <- lima, paris <- tokyo, lima -> tokyo broken (credentials from london's CA).
 * Contexts: a (paris, london) on cluster "local", b (tokyo, lima) on cluster "other", down.
 */
function network(): Promise<TestNetwork> {
  built ??= (async () => {
    const c = await cluster();
    const ns = { paris: await freshNamespace('paris'), london: await freshNamespace('london'), tokyo: await freshNamespace('tokyo'), lima: await freshNamespace('lima') };
    for (const [name, namespace] of Object.entries(ns)) {
      await standIn(namespace);
      const access = name === 'lima' ? [] : ['--enable-link-access'];
      const res = await plugin(['site', 'create', name, ...access, '--kubeconfig', c.kubeconfig, '-n', namespace]);
      assert.is(res.code, 0, res.stderr);
    }
    await apply(ns.london, await generate(ns.paris, 'to-paris', 1));
    await apply(ns.tokyo, await generate(ns.paris, 'to-paris', 2));
    await apply(ns.lima, await generate(ns.london, 'to-london', 1));
    const [secret, link] = await generate(ns.tokyo, 'to-tokyo', 1);
    const [foreign] = await generate(ns.london, 'x', 1);
    await apply(ns.lima, [{ ...secret, data: { ...secret.data, 'tls.crt': foreign.data!['tls.crt']!, 'tls.key': foreign.data!['tls.key']! } }, link]);
    await waitStatus(ns.london, 'to-paris', 'Ready');
    await waitStatus(ns.tokyo, 'to-paris', 'Ready');
    await waitStatus(ns.lima, 'to-london', 'Ready');
    // As with the real controller, a refused client certificate leaves the Link Pending "Not Operational".
    // Skupper 2.2 configures a Link that never connects only at its 30 s resync or when touched.
    await configureNow(ns.lima, 'to-tokyo');
    await waitStatus(ns.lima, 'to-tokyo', 'Pending');
    const kubeconfig = await kubeconfigWith([
      { name: 'a', namespace: ns.paris, cluster: 'local' },
      { name: 'b', namespace: ns.tokyo, cluster: 'other' },
      { name: 'down', namespace: 'default', cluster: 'down' },
    ]);
    return { kubeconfig, ns, contexts: `a,a/${ns.london},b,b/${ns.lima},down` };
  })();
  return built;
}

async function status(...args: string[]) {
  const n = await network();
  return plugin(['network', 'status', '--kubeconfig', n.kubeconfig, '--contexts', n.contexts, '--timeout', '5s', ...args]);
}

test('every site and link, with direction and status; the broken link and the unreachable context are flagged', async () => {
  const { ns } = await network();
  const res = await status('-o', 'json');
  assert.is(res.code, 0, res.stderr);
  const net = JSON.parse(res.stdout) as Network;
  assert.equal(net.contexts.map((c) => `${c.context}/${c.namespace} ${c.state}`), [
    `a/${ns.london} ok`, `a/${ns.paris} ok`, `b/${ns.lima} ok`, `b/${ns.tokyo} ok`, 'down/default unreachable',
  ].sort());
  assert.match(net.contexts.find((c) => c.context === 'down')!.error!, /connect|refused|reach/i);
  assert.equal(net.sites.map((s) => `${s.id} ${s.status} ${s.linkAccess}`), [
    `a/${ns.london}/london Ready default`, `a/${ns.paris}/paris Ready default`, `b/${ns.lima}/lima Ready disabled`, `b/${ns.tokyo}/tokyo Ready default`,
  ]);
  assert.ok(net.sites.find((s) => s.name === 'paris')!.endpoints.some((e) => /^inter-router=127\.\d+\.\d+\.\d+:55671$/.test(e)));
  const id = (site: keyof typeof ns) => net.sites.find((s) => s.name === site)!.id;
  const links = net.links.map((l) => `${l.name} ${l.from} -> ${l.to} ${l.status} ${l.cost} ${l.matchedBy}`);
  assert.equal(links.sort(), [
    `to-london ${id('lima')} -> ${id('london')} Ready 1 endpoint`,
    `to-paris ${id('london')} -> ${id('paris')} Ready 1 endpoint`,
    `to-paris ${id('tokyo')} -> ${id('paris')} Ready 2 endpoint`,
    `to-tokyo ${id('lima')} -> ${id('tokyo')} Pending 1 endpoint`,
  ].sort());
  assert.is(net.links.find((l) => l.from === id('london'))!.remoteSiteName, 'paris');
  assert.equal(net.problems.map((p) => p.kind), ['unreachable', 'broken']);
  assert.match(net.problems[1]!.message, /^link to-tokyo from lima to tokyo is Pending: Not Operational/);
});

test('the table lists sites, links and problems, sorted', async () => {
  const { ns } = await network();
  const res = await status();
  assert.is(res.code, 0, res.stderr);
  const [sites, links, problems] = res.stdout.split('\n\n');
  const siteLines = sites!.split('\n');
  assert.is(siteLines[0], 'Sites:');
  assert.match(siteLines[1]!, /^CONTEXT\s+NAMESPACE\s+SITE\s+STATUS\s+LINK ACCESS\s+ENDPOINTS\s+MESSAGE$/);
  assert.equal(siteLines.slice(2).map((l) => l.split(/\s+/).slice(0, 4).join(' ')), [
    `a ${ns.london} london Ready`, `a ${ns.paris} paris Ready`, `b ${ns.lima} lima Ready`, `b ${ns.tokyo} tokyo Ready`, 'down default - Unreachable',
  ]);
  const linkLines = links!.split('\n');
  assert.match(linkLines[1]!, /^LINK\s+FROM\s+TO\s+STATUS\s+COST\s+MESSAGE$/);
  assert.equal(linkLines.slice(2).map((l) => l.split(/\s+/).slice(0, 5).join(' ')), [
    'to-paris london paris Ready 1', 'to-london lima london Ready 1', 'to-tokyo lima tokyo Pending 1', 'to-paris tokyo paris Ready 2',
  ]);
  assert.match(problems!, /^Problems:\n  unreachable: context "down" \(namespace "default"\) cannot be read: .*\n  broken: link to-tokyo from lima to tokyo is Pending/);
  assert.is((await status()).stdout, res.stdout, 'the same network prints the same text');
});

test('-o dot is a digraph a DOT parser accepts, with a node per site and an edge per link', async () => {
  const res = await status('-o', 'dot');
  assert.is(res.code, 0, res.stderr);
  const [graph] = parseDot(res.stdout);
  assert.is(graph!.type, 'digraph');
  const attr = (list: { id: string | number; eq: unknown }[], name: string) => String(list.find((a) => a.id === name)?.eq ?? '');
  const nodes = graph!.children.filter((s) => s.type === 'node_stmt');
  const edges = graph!.children.filter((s) => s.type === 'edge_stmt');
  assert.equal(nodes.map((n) => attr(n.attr_list, 'label').split('\\n')[0]).sort(), ['down', 'lima', 'london', 'paris', 'tokyo']);
  assert.is(edges.length, 4);
  const edge = (label: RegExp) => edges.find((e) => label.test(attr(e.attr_list, 'label')))!;
  const broken = edge(/^to-tokyo: cost 1, Pending$/);
  assert.match(String(broken.edge_list[0]!.type === 'node_id' && broken.edge_list[0]!.id), /\/lima$/);
  assert.match(String(broken.edge_list[1]!.type === 'node_id' && broken.edge_list[1]!.id), /\/tokyo$/);
  assert.is(attr(broken.attr_list, 'style'), 'dashed');
  assert.is(attr(edge(/^to-london:/).attr_list, 'style'), '');
});

test('-o mermaid draws the same graph; -o yaml carries the same data as json', async () => {
  const mermaid = (await status('-o', 'mermaid')).stdout;
  assert.match(mermaid, /^flowchart LR\n/);
  assert.is(mermaid.match(/-->\|/g)?.length, 3);
  assert.is(mermaid.match(/-\.->\|"to-tokyo: cost 1, Pending"\|/g)?.length, 1);
  const json = JSON.parse((await status('-o', 'json')).stdout);
  const yaml = parseAllDocuments((await status('-o', 'yaml')).stdout)[0]!.toJS();
  assert.equal(yaml, json);
});

test('--all-contexts reads every context; a forbidden one is a row with its error; bad flags exit 2', async () => {
  const n = await network();
  const res = await plugin(['network', 'status', '--kubeconfig', n.kubeconfig, '--all-contexts', '--timeout', '5s', '-o', 'json']);
  assert.is(res.code, 0, res.stderr);
  const net = JSON.parse(res.stdout) as Network;
  assert.equal(net.contexts.map((c) => c.context), ['a', 'b', 'down', 'east', 'nobody', 'west']);
  const nobody = net.contexts.find((c) => c.context === 'nobody')!;
  assert.is(nobody.state, 'error');
  assert.match(nobody.error!, /not allowed to list (sites|links)/, nobody.error);
  // A kubeconfig without a current context still lists its contexts for --all-contexts.
  const all = await plugin(['network', 'status', '--kubeconfig', withoutCurrentContext(n.kubeconfig), '--all-contexts', '--timeout', '5s', '-o', 'json']);
  assert.is(all.code, 0, all.stderr);
  assert.equal((JSON.parse(all.stdout) as Network).contexts.map((c) => c.context), ['a', 'b', 'down', 'east', 'nobody', 'west']);
  const bad = await plugin(['network', 'status', '--kubeconfig', n.kubeconfig, '--all-contexts', '--contexts', 'a']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /^error: --contexts and --all-contexts cannot be used together\n$/);
  const format = await plugin(['network', 'status', '--kubeconfig', n.kubeconfig, '-o', 'svg']);
  assert.is(format.code, 2);
  assert.match(format.stderr, /invalid output format "svg"/);
  const ref = await plugin(['network', 'status', '--kubeconfig', n.kubeconfig, '--contexts', 'a/Bad_NS']);
  assert.is(ref.code, 2);
});

test('the current context alone by default; the same site through two contexts counts once', async () => {
  const n = await network();
  const res = await plugin(['network', 'status', '--kubeconfig', n.kubeconfig, '--context', 'a', '-o', 'json']);
  assert.is(res.code, 0, res.stderr);
  const net = JSON.parse(res.stdout) as Network;
  assert.equal(net.sites.map((s) => s.name), ['paris']);
  // paris alone: the links into it live in other namespaces, so nothing is flagged about them.
  assert.equal(net.problems, []);
  const twice = JSON.parse((await plugin(['network', 'status', '--kubeconfig', n.kubeconfig, '--contexts', `a,b/${n.ns.paris}`, '-o', 'json'])).stdout) as Network;
  assert.equal(twice.sites.map((s) => s.id), [`a/${n.ns.paris}/paris`]);
});

test('kubectl client flags reach every context: --as is honoured by RBAC', async () => {
  const n = await network();
  const args = ['network', 'status', '--kubeconfig', n.kubeconfig, '--contexts', `a/${n.ns.paris}`, '--timeout', '5s', '-o', 'json'];
  const admin = JSON.parse((await plugin(args)).stdout) as Network;
  assert.equal(admin.contexts.map((c) => c.state), ['ok']);
  // Its only context unreadable, the command fails (one line), naming what RBAC refused.
  const res = await plugin([...args, '--as', 'somebody-without-roles']);
  assert.is(res.code, 1, res.stderr);
  assert.is(res.stdout, '');
  assert.match(res.stderr, /^error: .*(forbidden|not allowed|may not)[^\n]*\n$/i);
});

test.after(stopStandIns);

test.run();
