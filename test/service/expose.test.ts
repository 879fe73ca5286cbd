// service expose: a workload of one site offered on linked sites in one step (a Connector on
// --from, a Listener on each --to), refused between unlinked sites, all or nothing under signals.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { CONNECTORS, LISTENERS, SERVICES, type Service } from '../../src/kube/resources.js';
import { adminClient, cluster, stopStandIns } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { backendPod, deployment, linkedSites, oneSite, serviceSnapshot } from './support.js';

const BIN = fileURLToPath(new URL('../../bin/kubectl-skupper', import.meta.url));

async function expose(...args: string[]) {
  const c = await cluster();
  return plugin(['service', 'expose', ...args, '--kubeconfig', c.kubeconfig]);
}

/** Linked west and east, west running deployment backend with one ready pod. */
async function withBackend() {
  const sites = await linkedSites();
  await deployment(sites.west, 'backend', { app: 'backend' });
  await backendPod(sites.west, 'backend-1', { app: 'backend' }, { ip: '10.2.0.5' });
  return sites;
}

const madeIn = async (ns: string) => (await serviceSnapshot(ns)).filter((r) => !r.startsWith('services/'));

test('exposes a deployment of west on east: Connector and Listener Ready, the table says so', async () => {
  const { west, east } = await withBackend();
  const res = await expose('deployment/backend', '--port', '80', '--target-port', '8080', '--from', `west/${west}`, '--to', `west/${east}`, '--timeout', '40s');
  assert.is(res.code, 0, res.stderr);
  assert.is(res.stderr, '');
  const lines = res.stdout.split('\n');
  assert.is(lines[0], `Connector "backend" on site "west" (west/${west}) and Listener "backend" on site "east" (west/${east}) are created and ready:`);
  assert.match(lines[1]!, /^KIND\s+NAME\s+SITE\s+CONTEXT\/NAMESPACE\s+ROUTING-KEY\s+PORT\s+STATUS\s+MESSAGE$/);
  assert.match(lines[2]!, new RegExp(`^Connector\\s+backend\\s+west\\s+west/${west}\\s+backend\\s+8080\\s+Ready\\s+OK$`));
  assert.match(lines[3]!, new RegExp(`^Listener\\s+backend\\s+east\\s+west/${east}\\s+backend\\s+80\\s+Ready\\s+OK$`));
  const connector = await (await adminClient(west)).get(CONNECTORS, 'backend');
  assert.equal(connector.spec, { routingKey: 'backend', port: 8080, selector: 'app=backend', type: 'tcp' });
  const listener = await (await adminClient(east)).get(LISTENERS, 'backend');
  assert.equal(listener.spec, { routingKey: 'backend', host: 'backend', port: 80, type: 'tcp' });
  // Nothing on the other sides.
  assert.equal(await (await adminClient(west)).list(LISTENERS).then((l) => l.items), []);
  assert.equal(await (await adminClient(east)).list(CONNECTORS).then((l) => l.items), []);
  // network status reads both sites and shows the routing key with both ends, the listener reaching the connector.
  const status = await plugin(['network', 'status', '--contexts', `west/${west},west/${east}`, '--kubeconfig', (await cluster()).kubeconfig]);
  assert.is(status.code, 0, status.stderr);
  assert.match(status.stdout, /\nServices:\nROUTING-KEY\s+KIND\s+NAME\s+SITE\s+PORT\s+TARGET\s+STATUS\s+REACHES\s+MESSAGE\nbackend\s+connector\s+backend\s+west\s+8080\s+app=backend\s+Ready\s+1 pod\s+OK\nbackend\s+listener\s+backend\s+east\s+80\s+backend\s+Ready\s+a connector\s+OK\n/);
  assert.match(status.stdout, /\nNo problems found\.\n$/);
  const json = JSON.parse((await plugin(['network', 'status', '--contexts', `west/${west},west/${east}`, '-o', 'json', '--kubeconfig', (await cluster()).kubeconfig])).stdout) as { services: { routingKey: string; listeners: { reachesConnector: boolean }[]; connectors: { selectedPods: number }[] }[] };
  assert.equal(json.services.map((s) => [s.routingKey, s.listeners.map((l) => l.reachesConnector), s.connectors.map((c) => c.selectedPods)]), [['backend', [true], [1]]]);
  // Again: the name is taken on west; refused in one line, nothing more made.
  const again = await expose('deployment/backend', '--port', '80', '--from', `west/${west}`, '--to', `west/${east}`);
  assert.is(again.code, 1);
  assert.match(again.stderr, /^error: there is already a connector "backend" in namespace "[a-z0-9-]+": change it with/);
  assert.is(again.stderr.split('\n').length, 2);
});

test('-o name, -o yaml, --name, --routing-key, --host, --wait none and --dry-run', async () => {
  const { west, east } = await withBackend();
  const dry = await expose('deploy/backend', '--port', '8080', '--from', `west/${west}`, '--to', `west/${east}`, '--dry-run=client', '-o', 'yaml');
  assert.is(dry.code, 0, dry.stderr);
  const list = parse(dry.stdout) as { kind: string; items: { kind: string; spec: { selector?: string } }[] };
  assert.equal(list.items.map((i) => i.kind), ['Connector', 'Listener']);
  assert.is(list.items[0]!.spec.selector, 'app=backend');
  const server = await expose('deployment/backend', '--port', '8080', '--from', `west/${west}`, '--to', `west/${east}`, '--dry-run', 'server');
  assert.is(server.code, 0, server.stderr);
  assert.match(server.stdout, /are created \(server dry run: nothing was changed\)\.\n$/);
  assert.equal(await madeIn(west), []);
  assert.equal(await madeIn(east), []);
  const named = await expose('deployment/backend', '--port', '8080', '--from', `west/${west}`, '--to', `west/${east}`, '--name', 'api', '-r', 'api.v1', '--host', 'api-front', '--wait', 'none', '-o', 'name');
  assert.is(named.code, 0, named.stderr);
  assert.is(named.stdout, 'connector.skupper.io/api\nlistener.skupper.io/api\n');
  const listener = await (await adminClient(east)).get(LISTENERS, 'api');
  assert.equal(listener.spec, { routingKey: 'api.v1', host: 'api-front', port: 8080, type: 'tcp' });
  assert.is((await (await adminClient(west)).get(CONNECTORS, 'api')).spec.routingKey, 'api.v1');
});

test('sites that are not linked: refused, naming the link sites command, nothing made on either', async () => {
  const west = await oneSite('west');
  const east = await oneSite('east');
  await deployment(west, 'backend', { app: 'backend' });
  const res = await expose('deployment/backend', '--port', '8080', '--from', `west/${west}`, '--to', `west/${east}`);
  assert.is(res.code, 1);
  assert.is(res.stdout, '');
  const c = await cluster();
  assert.is(
    res.stderr,
    `error: site "east" (west/${east}) is not linked to site "west" (west/${west}), so a listener there cannot reach the connector: link them first with "kubectl skupper link sites --from west/${east} --to west/${west} --kubeconfig ${c.kubeconfig}"\n`,
  );
  assert.equal(await madeIn(west), []);
  assert.equal(await madeIn(east), []);
});

test('three sites: one --to site not linked refuses the whole expose; once linked, a Listener on each --to site', async () => {
  const { west, east } = await withBackend();
  const north = await oneSite('north');
  const c = await cluster();
  const refused = await expose('deployment/backend', '--port', '8080', '--from', `west/${west}`, '--to', `west/${east},west/${north}`);
  assert.is(refused.code, 1);
  // West accepts links, north does not: the command links north to west.
  assert.match(refused.stderr, new RegExp(`^error: site "north" \\(west/${north}\\) is not linked to site "west" \\(west/${west}\\), so a listener there cannot reach the connector: link them first with "kubectl skupper link sites --from west/${north} --to west/${west} --kubeconfig \\S+"\\n$`));
  for (const ns of [west, east, north]) assert.equal(await madeIn(ns), [], ns);
  const linked = await plugin(['link', 'sites', '--from', `west/${north}`, '--to', `west/${west}`, '--kubeconfig', c.kubeconfig, '--timeout', '60s']);
  assert.is(linked.code, 0, linked.stderr);
  const res = await expose('deployment/backend', '--port', '8080', '--from', `west/${west}`, '--to', `west/${east},west/${north}`, '--timeout', '40s');
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, new RegExp(`^Connector "backend" on site "west" \\(west/${west}\\) and Listeners "backend" on sites "east" \\(west/${east}\\), "north" \\(west/${north}\\) are created and ready:\\n`));
  assert.is(res.stdout.split('\n').filter((l) => /\sReady\s+OK$/.test(l)).length, 3, res.stdout);
  for (const ns of [east, north]) assert.is((await (await adminClient(ns)).get(LISTENERS, 'backend')).status?.status, 'Ready');
});

test('bad input and a bad workload are refused in one line with nothing made', async () => {
  const { west, east } = await withBackend();
  const client = await adminClient(west);
  // A deployment without a selector cannot be made through the API; a Service without one can.
  await client.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'headless' }, spec: { ports: [{ port: 80 }] } } as Service, west);
  const cases: [string[], number, RegExp][] = [
    [['deployment/none', '--port', '8080', '--from', `west/${west}`, '--to', `west/${east}`], 1, /^error: there is no deployment\/none in namespace "[a-z0-9-]+": check the name with "kubectl get deployment --kubeconfig \S+ --context west -n [a-z0-9-]+"\n$/],
    [['service/headless', '--port', '8080', '--from', `west/${west}`, '--to', `west/${east}`], 2, /^error: service\/headless in namespace "[a-z0-9-]+" has no label selector to copy/],
    [['pod/backend', '--port', '8080', '--from', `west/${west}`, '--to', `west/${east}`], 2, /^error: invalid workload "pod\/backend": use deployment\|service\|daemonset\|statefulset\/<name>/],
    [['deployment/backend', '--port', '0', '--from', `west/${west}`, '--to', `west/${east}`], 2, /^error: invalid --port "0"/],
    [['deployment/backend', '--from', `west/${west}`, '--to', `west/${east}`], 2, /^error: service expose needs --port/],
    [['deployment/backend', '--port', '80', '--from', `west/${west}`], 2, /^error: service expose needs both --from and --to/],
    [['deployment/backend', '--port', '80', '--from', `west/${west}`, '--to', `west/${east}`, '--host', 'Bad_Host'], 2, /^error: invalid --host "Bad_Host"/],
    [['deployment/backend', '--port', '80', '--from', `west/${west}`, '--to', `west/${west}`], 2, /named twice in --from and --to/],
    [['deployment/backend', '--port', '80', '--from', `west/${west}`, '--to', `west/${east}`, '--wait', 'later'], 2, /^error: invalid --wait "later"/],
    [['deployment/backend', '--port', '80', '--from', `west/${west}`, '--to', `west/${east}`, '-o', 'wide'], 2, /^error: invalid output format "wide"/],
    [['deployment/backend', '--port', '80', '--from', `west/${west}`, '--to', `west/${east}`, '--context', 'west'], 2, /^error: service expose takes its contexts from --from and --to: drop --context/],
    [['deployment/backend', '--port', '80', '--from', `west/${west}`, '--to', `west/${east},`], 2, /^error: invalid --to "west\/[a-z0-9-]+,": entry 2 is empty/],
  ];
  for (const [args, code, message] of cases) {
    const res = await expose(...args);
    assert.is(res.code, code, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, message);
    assert.is(res.stderr.split('\n').length, 2, 'one line');
  }
  // A listener name taken on the --to site: refused before the connector is made on west.
  assert.is((await plugin(['listener', 'create', 'backend', '9', '--wait', 'none', '--kubeconfig', (await cluster()).kubeconfig, '-n', east])).code, 0);
  const taken = await expose('deployment/backend', '--port', '8080', '--from', `west/${west}`, '--to', `west/${east}`);
  assert.is(taken.code, 1);
  assert.match(taken.stderr, /^error: there is already a listener "backend" in namespace/);
  assert.equal(await madeIn(west), []);
});

/** The built executable, interrupted after `afterMs` unless it ended. */
function interruptAt(args: string[], afterMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawn(BIN, args, { env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.exitCode === null && child.kill('SIGINT'), afterMs);
  return new Promise((resolve) => child.on('close', (code, signal) => (clearTimeout(timer), resolve({ code, signal, stdout, stderr }))));
}

test('SIGINT at points through the command leaves both ends or neither', async () => {
  const { west, east } = await withBackend();
  const c = await cluster();
  for (const [i, afterMs] of [150, 250, 300, 350, 400, 450, 600, 1200].entries()) {
    const name = `svc-${i}`;
    const res = await interruptAt(['service', 'expose', 'deployment/backend', '--name', name, '--port', '8080', '--from', `west/${west}`, '--to', `west/${east}`, '--kubeconfig', c.kubeconfig, '--timeout', '30s'], afterMs);
    const connector = await (await adminClient(west)).find(CONNECTORS, name);
    const listener = await (await adminClient(east)).find(LISTENERS, name);
    const state = `${connector ? 'C' : '-'}${listener ? 'L' : '-'}`;
    assert.ok(state === 'CL' || state === '--', `after ${afterMs} ms: ${state}, exit ${res.code}: ${res.stderr}`);
    if (state === '--') {
      // Before the handlers are in place the signal ends the process itself.
      assert.ok(res.code === 130 || res.signal === 'SIGINT', `exit ${res.code} ${res.signal}: ${res.stderr}`);
      assert.is(res.stdout, '');
    } else if (res.code !== 0) {
      assert.is(res.code, 130);
      assert.match(res.stderr, /were created and stay/);
    }
  }
});

test.after.each(stopStandIns);

test.run();
