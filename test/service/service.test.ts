// Listeners and connectors: create, status (every -o), update, delete and generate on one site,
// then matched across two linked sites, with the waits that follow the controller.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { CONNECTORS, LISTENERS, SERVICES, type Connector, type Listener } from '../../src/kube/resources.js';
import { adminClient, cluster, stopStandIns } from '../support/cluster.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
import { CONFIG_MAPS } from '../stand-in/kinds.js';
import { plugin } from '../support/plugin.js';
import { backendPod, deployment, eventually, linkedSites, oneSite, run } from './support.js';

test('listener create: the controller makes its Service; status lists it Pending "No matching connectors" in every -o', async () => {
  const ns = await oneSite();
  const created = await run(ns, 'listener', 'create', 'backend', '8080');
  assert.is(created.code, 0, created.stderr);
  assert.is(created.stdout, 'Listener "backend" is created and configured.\n');
  const client = await adminClient(ns);
  const listener = await client.get(LISTENERS, 'backend');
  assert.equal(listener.spec, { routingKey: 'backend', host: 'backend', port: 8080, type: 'tcp' });
  const svc = await eventually(() => client.find(SERVICES, 'backend'), (s) => s !== undefined);
  assert.equal(svc!.spec?.ports?.map((p) => p.port), [8080]);
  assert.is(svc!.metadata.labels?.['internal.skupper.io/listener'], 'backend');
  // Matched follows Configured (both controllers write it from the network status, a moment later).
  await eventually(() => client.get(LISTENERS, 'backend'), (l) => Boolean(l.status?.conditions?.some((c) => c.type === 'Matched')));

  const table = await run(ns, 'listener', 'status');
  assert.is(table.code, 0, table.stderr);
  assert.match(table.stdout, /^NAME\s+STATUS\s+ROUTING-KEY\s+HOST\s+PORT\s+MATCHING-CONNECTOR\s+MESSAGE\nbackend\s+Pending\s+backend\s+backend\s+8080\s+false\s+No matching connectors\n$/);
  const wide = await run(ns, 'listener', 'status', '-o', 'wide');
  assert.match(wide.stdout, /^NAME\s+STATUS\s+ROUTING-KEY\s+HOST\s+PORT\s+MATCHING-CONNECTOR\s+TLS-CREDENTIALS\s+MESSAGE\s+AGE\n/);
  assert.is((await run(ns, 'listener', 'status', '-o', 'name')).stdout, 'listener.skupper.io/backend\n');
  assert.is((await run(ns, 'listener', 'status', '-o', 'jsonpath={.items[*].spec.port}')).stdout, '8080');
  assert.match((await run(ns, 'listener', 'status', '-o', 'custom-columns=KEY:.spec.routingKey')).stdout, /^KEY\nbackend\n$/);
  const one = JSON.parse((await run(ns, 'listener', 'status', 'backend', '-o', 'json')).stdout) as Listener;
  assert.is(one.kind, 'Listener');
  assert.is(one.status?.conditions?.find((c) => c.type === 'Matched')?.message, 'No matching connectors');
  assert.is((parse((await run(ns, 'listener', 'status', '-o', 'yaml')).stdout) as { kind: string; items: unknown[] }).items.length, 1);
  const details = await run(ns, 'listener', 'status', 'backend');
  assert.match(details.stdout, /^Name:\s+backend\nStatus:\s+Pending\nMessage:\s+No matching connectors\nRouting key:\s+backend\nHost:\s+backend\nPort:\s+8080\n/);
  const all = await run(ns, 'listener', 'status', '-A', '-l', 'nothing=here');
  assert.is(all.stdout, 'No listeners found in any namespace matching "nothing=here".\n');
});

test('listener and connector on one site match each other and become Ready; the router config has both entries', async () => {
  const ns = await oneSite();
  await backendPod(ns, 'backend-1', { app: 'backend' }, { ip: '10.1.0.5' });
  await backendPod(ns, 'backend-2', { app: 'backend' }, { ready: false, ip: '10.1.0.6' });
  const connector = await run(ns, 'connector', 'create', 'backend', '8080', '--wait', 'configured');
  assert.is(connector.code, 0, connector.stderr);
  const listener = await run(ns, 'listener', 'create', 'front', '80', '-r', 'backend', '--host', 'frontdoor', '--wait', 'ready', '--timeout', '20s');
  assert.is(listener.code, 0, listener.stderr);
  assert.is(listener.stdout, 'Listener "front" is created and ready.\n');
  const ready = await run(ns, 'connector', 'status', '--wait', 'ready', '--timeout', '20s');
  assert.is(ready.code, 0, ready.stderr);
  assert.match(ready.stdout, /^NAME\s+STATUS\s+ROUTING-KEY\s+SELECTOR\s+HOST\s+PORT\s+HAS MATCHING LISTENER\s+MESSAGE\nbackend\s+Ready\s+backend\s+app=backend\s+8080\s+true\s+OK\n$/);
  // Only the ready pod is reached: the details say so, and so does the router config.
  const details = await run(ns, 'connector', 'status', 'backend');
  assert.match(details.stdout, /Selector:\s+app=backend\n/);
  assert.match(details.stdout, /Selected pods:\s+backend-1 \(10\.1\.0\.5\)\n/);
  const client = await adminClient(ns);
  const config = JSON.parse((await client.get(CONFIG_MAPS, 'skupper-router')).data!['skrouterd.json']!) as [string, Record<string, unknown>][];
  const tcp = config.filter(([k]) => k.startsWith('tcp')).map(([k, e]) => `${k} ${e.address} ${e.host ?? ''}:${e.port}`);
  assert.equal(tcp.sort().map((e) => e.replace(/:\d+$/, (p) => (e.startsWith('tcpListener') ? ':<router port>' : p))), ['tcpConnector backend 10.1.0.5:8080', 'tcpListener backend :<router port>']);
  assert.ok(await client.find(SERVICES, 'frontdoor'));
});

test('connector --workload copies the workload\'s selector; none given means app=<name>; --include-not-ready; --host', async () => {
  const ns = await oneSite();
  await deployment(ns, 'api', { app: 'api', tier: 'web' });
  const fromWorkload = await run(ns, 'connector', 'create', 'api', '9000', '--workload', 'deployment/api', '--wait', 'none');
  assert.is(fromWorkload.code, 0, fromWorkload.stderr);
  assert.is(fromWorkload.stdout, 'Connector "api" is created.\n');
  const client = await adminClient(ns);
  assert.is((await client.get(CONNECTORS, 'api')).spec.selector, 'app=api,tier=web');
  assert.is((await run(ns, 'connector', 'create', 'db', '5432', '--include-not-ready', '--wait', 'none')).code, 0);
  const db = await client.get(CONNECTORS, 'db');
  assert.equal(db.spec, { routingKey: 'db', port: 5432, selector: 'app=db', includeNotReadyPods: true, type: 'tcp' });
  assert.is((await run(ns, 'connector', 'create', 'ext', '443', '--host', 'api.example.com', '--routing-key', 'ext.v2')).code, 0);
  const ext = await client.get(CONNECTORS, 'ext');
  assert.equal(ext.spec, { routingKey: 'ext.v2', port: 443, host: 'api.example.com', type: 'tcp' });
  const list = await run(ns, 'connector', 'status', '-o', 'jsonpath={range .items[*]}{.metadata.name}{" "}{end}');
  assert.is(list.stdout, 'api db ext ');
});

test('every refused input fails in one line with nothing made', async () => {
  const ns = await oneSite();
  const client = await adminClient(ns);
  await client.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'taken' }, spec: { ports: [{ port: 80 }] } });
  await client.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'headless' }, spec: { ports: [{ port: 80 }] } });
  await deployment(ns, 'api', { app: 'api' });
  // Configured: the controller has made the listener's Service by then.
  assert.is((await run(ns, 'listener', 'create', 'existing', '80')).code, 0);
  assert.is((await run(ns, 'connector', 'create', 'existing', '80', '--wait', 'none')).code, 0);
  const before = JSON.stringify(await listAll(ns));
  const cases: [string[], 1 | 2, RegExp][] = [
    [['listener', 'create', 'a', '0'], 2, /invalid port "0": use a whole number from 1 to 65535/],
    [['listener', 'create', 'a', '65536'], 2, /invalid port "65536"/],
    [['listener', 'create', 'a', '80x'], 2, /invalid port "80x"/],
    [['listener', 'create', 'a', '80', '--host', 'x'.repeat(64)], 2, /invalid --host "x{64}": a listener's host names a Service/],
    [['listener', 'create', 'a', '80', '--host', '9lives'], 2, /invalid --host "9lives"/],
    [['listener', 'create', 'a', '80', '--host', 'my.host'], 2, /invalid --host "my.host"/],
    [['listener', 'create', 'a', '80', '-r', 'Back End'], 2, /invalid --routing-key "Back End"/],
    [['listener', 'create', 'a', '80', '--routing-key', 'a..b'], 2, /invalid --routing-key "a\.\.b"/],
    [['listener', 'create', 'a', '80', '--type', 'udp'], 2, /invalid --type "udp": use tcp/],
    [['listener', 'create', 'a', '80', '--wait', 'soon'], 2, /invalid --wait "soon": use configured, ready or none/],
    [['listener', 'create', 'a', '80', '--tls-credentials', 'nosuch'], 1, /there is no Secret "nosuch" in namespace "[^"]+" for --tls-credentials: create it first/],
    [['listener', 'create', 'existing', '80'], 1, /there is already a listener "existing" in namespace "[^"]+": change it with "kubectl skupper listener update existing --kubeconfig \S+ -n [^"]+"/],
    [['listener', 'create', 'a', '80', '--host', 'taken'], 1, /there is already a Service "taken" in namespace "[^"]+", made by something other than a listener: choose another --host/],
    [['connector', 'create', 'a', '80', '--host', 'h', '--selector', 'app=a'], 2, /--host and --selector cannot be used together/],
    [['connector', 'create', 'a', '80', '--selector', 'app=a', '--workload', 'deployment/api'], 2, /--selector and --workload cannot be used together/],
    [['connector', 'create', 'a', '80', '--selector', 'app==a=b'], 2, /invalid --selector "app==a=b": "app==a=b" is not a label requirement/],
    [['connector', 'create', 'a', '80', '--selector', 'app in a'], 2, /invalid --selector "app in a"/],
    [['connector', 'create', 'a', '80', '--selector', ' '], 2, /--selector is empty/],
    [['connector', 'create', 'a', '80', '--workload', 'pod/api'], 2, /invalid --workload "pod\/api": use deployment\|service\|daemonset\|statefulset\/<name>/],
    [['connector', 'create', 'a', '80', '--workload', 'deployment/nosuch'], 1, /there is no deployment\/nosuch in namespace "[^"]+": check the name with "kubectl get deployment --kubeconfig \S+ -n /],
    [['connector', 'create', 'a', '80', '--workload', 'statefulset/api'], 1, /there is no statefulset\/api in namespace/],
    [['connector', 'create', 'a', '80', '--workload', 'service/headless'], 2, /service\/headless in namespace "[^"]+" has no label selector to copy: use --selector <labels> or --host <host> instead/],
    [['connector', 'create', 'a', '80', '--include-not-ready=maybe'], 2, /invalid value "maybe" for --include-not-ready: use true or false/],
    [['connector', 'create', 'a', '80', '--tls-credentials', 'nosuch'], 1, /there is no Secret "nosuch"/],
    [['connector', 'create', 'existing', '80'], 1, /there is already a connector "existing"/],
    [['listener', 'update', 'existing'], 2, /nothing to update: pass --port/],
    [['listener', 'update', 'nosuch', '--port', '81'], 1, /there is no listener "nosuch" in namespace "[^"]+": see "kubectl skupper listener status --kubeconfig \S+ -n /],
    [['listener', 'update', 'existing', '--host', 'taken'], 1, /there is already a Service "taken"/],
    [['listener', 'update', 'existing', '--port', '99999'], 2, /invalid --port "99999"/],
    [['connector', 'update', 'existing', '--workload', 'deployment/nosuch'], 1, /there is no deployment\/nosuch/],
    [['connector', 'update', 'existing', '--tls-credentials', 'nosuch'], 1, /there is no Secret "nosuch"/],
    [['connector', 'delete', 'nosuch'], 1, /there is no connector "nosuch"/],
    [['listener', 'delete', 'nosuch'], 1, /there is no listener "nosuch"/],
    [['listener', 'status', 'nosuch'], 1, /there is no listener "nosuch"/],
    [['listener', 'status', 'a', '-A'], 2, /a name and -A\/--all-namespaces cannot be used together/],
    [['connector', 'status', '--wait', 'soon'], 2, /invalid --wait "soon": use configured or ready/],
  ];
  for (const [args, code, message] of cases) {
    const res = await run(ns, ...args);
    const label = `${args.join(' ')}: ${JSON.stringify(res)}`;
    assert.is(res.code, code, label);
    assert.is(res.stdout, '', label);
    assert.match(res.stderr, /^error: [^\n]+\n$/, label);
    assert.match(res.stderr, message, label);
  }
  assert.is(JSON.stringify(await listAll(ns)), before, 'nothing was made or changed');
});

async function listAll(ns: string): Promise<string[]> {
  const client = await adminClient(ns);
  const listeners = (await client.list(LISTENERS)).items.map((l) => `listener/${l.metadata.name}@${l.metadata.generation}`);
  const connectors = (await client.list(CONNECTORS)).items.map((c) => `connector/${c.metadata.name}@${c.metadata.generation}`);
  const services = (await client.list(SERVICES)).items.map((s) => `service/${s.metadata.name}`);
  return [...listeners, ...connectors, ...services].sort();
}

test('--dry-run=client and =server make nothing; server dry run is checked by the API server', async () => {
  const ns = await oneSite();
  for (const mode of ['client', 'server']) {
    const l = await run(ns, 'listener', 'create', 'dry', '80', `--dry-run=${mode}`);
    assert.is(l.code, 0, l.stderr);
    assert.is(l.stdout, `Listener "dry" is created (${mode} dry run: nothing was changed).\n`);
    const c = await run(ns, 'connector', 'create', 'dry', '80', '--dry-run', mode);
    assert.is(c.code, 0, c.stderr);
  }
  assert.is((await run(ns, 'listener', 'create', 'real', '80', '--wait', 'none')).code, 0);
  const update = await run(ns, 'listener', 'update', 'real', '--port', '81', '--dry-run=server');
  assert.is(update.stdout, 'Listener "real" is updated (server dry run: nothing was changed): port changed from 80 to 81.\n');
  const del = await run(ns, 'listener', 'delete', 'real', '--dry-run=server');
  assert.is(del.stdout, 'Listener "real" is deleted (server dry run: nothing was changed).\n');
  const client = await adminClient(ns);
  assert.equal((await client.list(LISTENERS)).items.map((l) => `${l.metadata.name}:${l.spec.port}`), ['real:80']);
  assert.is((await client.list(CONNECTORS)).items.length, 0);
});

test('update changes only what is asked, waits for the new generation; a new host replaces the selector', async () => {
  const ns = await oneSite();
  assert.is((await run(ns, 'listener', 'create', 'web', '80')).code, 0);
  const same = await run(ns, 'listener', 'update', 'web', '--port', '80');
  assert.is(same.stdout, 'Listener "web" is unchanged: port is already 80.\n');
  const moved = await run(ns, 'listener', 'update', 'web', '--port', '8080', '-r', 'web.v2');
  assert.is(moved.code, 0, moved.stderr);
  assert.is(moved.stdout, 'Listener "web" is updated and configured: routing key changed from "web" to "web.v2", port changed from 80 to 8080.\n');
  const client = await adminClient(ns);
  const listener = await client.get(LISTENERS, 'web');
  assert.is(listener.metadata.generation, 2);
  assert.is(listener.status?.conditions?.find((c) => c.type === 'Configured')?.observedGeneration, 2, 'the wait ended at the new generation');
  await eventually(() => client.get(SERVICES, 'web'), (s) => s.spec?.ports?.[0]?.port === 8080);

  assert.is((await run(ns, 'connector', 'create', 'db', '5432', '--selector', 'app=db', '--wait', 'none')).code, 0);
  const toHost = await run(ns, 'connector', 'update', 'db', '--host', 'db.example.com', '--wait', 'none');
  assert.is(toHost.stdout, 'Connector "db" is updated: host set to "db.example.com", selector removed.\n');
  assert.equal((await client.get(CONNECTORS, 'db')).spec, { routingKey: 'db', port: 5432, host: 'db.example.com', type: 'tcp' });
  const notReady = await run(ns, 'connector', 'update', 'db', '--include-not-ready=true', '--wait', 'none');
  assert.is(notReady.stderr, '');
  assert.is(notReady.stdout, 'Connector "db" is updated: include not ready pods set to true.\n');
});

test('delete waits until the object is gone, and the controller removes the listener\'s Service', async () => {
  const ns = await oneSite();
  assert.is((await run(ns, 'listener', 'create', 'web', '80')).code, 0);
  assert.is((await run(ns, 'connector', 'create', 'web', '80', '--wait', 'none')).code, 0);
  const client = await adminClient(ns);
  await eventually(() => client.find(SERVICES, 'web'), (s) => s !== undefined);
  const del = await run(ns, 'listener', 'delete', 'web');
  assert.is(del.code, 0, del.stderr);
  assert.is(del.stdout, 'Listener "web" is deleted.\n');
  assert.is(await client.find(LISTENERS, 'web'), undefined);
  await eventually(() => client.find(SERVICES, 'web'), (s) => s === undefined);
  const delC = await run(ns, 'connector', 'delete', 'web', '--wait=false'); // upstream's form of --no-wait
  assert.match(delC.stdout, /^Connector "web" is (being )?deleted/);
  assert.is((await run(ns, 'listener', 'status')).stdout, `No listeners found in namespace "${ns}".\n`);
});

test('a wait that times out says the status message and keeps the object; --timeout 0 checks once', async () => {
  const ns = await oneSite();
  const res = await run(ns, 'connector', 'create', 'lonely', '80', '--host', 'lonely.example.com', '--wait', 'ready', '--timeout', '5s');
  assert.is(res.code, 1);
  assert.is(res.stdout, '');
  assert.match(res.stderr, /^error: Connector "lonely" is created but not ready after 5s: lonely \(Pending: No matching listeners\) \(follow it with "kubectl skupper connector status lonely --kubeconfig \S+ -n [^ ]+ --wait ready"\)\n$/);
  assert.ok(await (await adminClient(ns)).find(CONNECTORS, 'lonely'));
  // A selector no pod matches is never configured: the controller configures it on a pod event.
  const noPods = await run(ns, 'connector', 'create', 'nopods', '80', '--timeout', '3s');
  assert.is(noPods.code, 1);
  // The message says why and how to look.
  const esc = ns.replace(/[-]/g, '\\-');
  assert.match(noPods.stderr, new RegExp(`^error: Connector "nopods" is created but not configured after 3s: nopods \\([^)]+\\); no ready pod matched its selector app=nopods when it was created \\(check "kubectl get pods -l app=nopods --kubeconfig \\S+ -n ${esc}"\\) \\(follow it with "kubectl skupper connector status nopods --kubeconfig \\S+ -n ${esc} --wait configured"\\)\n$`), noPods.stderr);
  const notReady = await run(ns, 'connector', 'create', 'starting', '80', '--selector', 'app in (starting)', '--include-not-ready', '--timeout', '0');
  assert.is(notReady.code, 0, notReady.stderr);
  assert.match(notReady.stdout, new RegExp(`; no running pod matched its selector app in \\(starting\\) when it was created \\(check "kubectl get pods -l 'app in \\(starting\\)' --kubeconfig \\S+ -n ${esc}"\\)\\.\n$`));
  const once = await run(ns, 'listener', 'create', 'quick', '80', '--wait', 'ready', '--timeout', '0');
  assert.is(once.code, 0, once.stderr);
  assert.match(once.stdout, /^Listener "quick" is created, not yet ready: quick \(/);
  // Once the controller has matched it (under load the real one can take more than a second),
  // a wait of 1 s ends with its message.
  const client = await adminClient(ns);
  await eventually(() => client.get(LISTENERS, 'quick'), (l) => l.status?.message === 'No matching connectors');
  const status = await run(ns, 'listener', 'status', 'quick', '--wait', 'ready', '--timeout', '1s');
  assert.is(status.code, 1);
  assert.match(status.stderr, /^error: listeners not ready after 1s: quick \(Pending: No matching connectors\)\n$/, status.stderr);
});

test('a connector whose pods went away is Error "No matches for selector", and a wait for it stops at once', async () => {
  const ns = await oneSite();
  await backendPod(ns, 'b-1', { app: 'b' });
  assert.is((await run(ns, 'connector', 'create', 'b', '80')).code, 0);
  const client = await adminClient(ns);
  await client.delete({ group: '', version: 'v1', kind: 'Pod', plural: 'pods' }, 'b-1', ns);
  await eventually(() => client.get(CONNECTORS, 'b'), (c) => c.status?.status === 'Error');
  const started = Date.now();
  const wait = await run(ns, 'connector', 'status', 'b', '--wait', 'configured', '--timeout', '30s');
  assert.is(wait.code, 1);
  assert.is(wait.stderr, 'error: Connector "b" has an error: No matches for selector\n');
  assert.ok(Date.now() - started < 20_000, 'an Error ends the wait before its timeout');
});

test('generate prints what create would make, without a cluster', async () => {
  const l = await plugin(['listener', 'generate', 'web', '80', '--host', 'www', '-r', 'web', '-n', 'any']);
  assert.is(l.code, 0, l.stderr);
  assert.equal(parse(l.stdout), { apiVersion: 'skupper.io/v2alpha1', kind: 'Listener', metadata: { name: 'web', namespace: 'any' }, spec: { routingKey: 'web', host: 'www', port: 80, type: 'tcp' } });
  const c = await plugin(['connector', 'generate', 'web', '80', '-o', 'json']);
  assert.equal((JSON.parse(c.stdout) as Connector).spec, { routingKey: 'web', port: 80, selector: 'app=web', type: 'tcp' });
  const refused = await plugin(['connector', 'generate', 'a', '80', '--workload', 'deployment/api']);
  assert.is(refused.code, 2);
  assert.match(refused.stderr, /^error: generate does not read a cluster, so it cannot copy --workload's selector: use --selector/);
});

test('across linked sites: a listener on east matches a connector on west, both Ready, and no longer once it is gone', async () => {
  const { west, east } = await linkedSites();
  await backendPod(west, 'backend-1', { app: 'backend' });
  const connector = await run(west, 'connector', 'create', 'backend', '8080', '--workload', 'deployment/none', '--wait', 'none');
  assert.is(connector.code, 1, 'the workload does not exist');
  assert.is((await run(west, 'connector', 'create', 'backend', '8080')).code, 0);
  const listener = await run(east, 'listener', 'create', 'backend', '8080', '--wait', 'ready', '--timeout', '30s');
  assert.is(listener.code, 0, listener.stderr);
  assert.is(listener.stdout, 'Listener "backend" is created and ready.\n');
  const connectorReady = await run(west, 'connector', 'status', 'backend', '--wait', 'ready', '--timeout', '30s');
  assert.is(connectorReady.code, 0, connectorReady.stderr);
  assert.match(connectorReady.stdout, /Status:\s+Ready\n/);
  assert.match(connectorReady.stdout, /Matching listener:\s+true\n/);
  // The connector goes: the listener is Pending again.
  assert.is((await run(west, 'connector', 'delete', 'backend')).code, 0);
  const eastClient = await adminClient(east);
  const pending = await eventually(() => eastClient.get(LISTENERS, 'backend'), (l) => l.status?.status === 'Pending', 20_000);
  assert.is(pending.status?.message, 'No matching connectors');
  assert.is(pending.status?.hasMatchingConnector, undefined);
});

test('listener status -w prints each change until SIGINT (the built executable)', async () => {
  const c = await cluster();
  const ns = await oneSite();
  assert.is((await run(ns, 'listener', 'create', 'watched', '80')).code, 0);
  const child = spawn(join(root, 'bin', 'kubectl-skupper'), ['listener', 'status', '-w', '-n', ns, '--kubeconfig', c.kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const until = async (pattern: RegExp) => {
    for (let i = 0; i < 300 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(out, pattern, `waiting for ${pattern} (stderr: ${err})`);
  };
  await until(/watched\s+Pending\s+watched\s+watched\s+80\s+false\s+No matching connectors/);
  assert.is((await run(ns, 'connector', 'create', 'watched', '80', '--host', 'backend.example.com', '--wait', 'none')).code, 0);
  await until(/watched\s+Ready\s+watched\s+watched\s+80\s+true\s+OK/);
  child.kill('SIGINT');
  assert.is(await exited, 130, err);
  assert.is(out.split('\n').filter((l) => l.startsWith('NAME')).length, 1, 'one header');
});

test.after.each(stopStandIns);

test.run();
