// Real routers in interop mode: for one namespace, plays the kubelet and the cloud load balancer
// around the real skupper-router and kube-adaptor (built by build-router.sh), as a pod would run
// them. For each router Deployment the controller makes, it takes a node (node-network.ts), starts
// the Pod's processes there as one process group (kube-adaptor -init, then skrouterd and the
// kube-adaptor beside it, with the Deployment's own environment, a private /etc/skupper-router-certs
// and a hostname of the Pod's name), points the group's LoadBalancer Service at the node's address,
// and marks the Pod Running and Ready with that Pod IP once the router answers its health check.
// The kube-adaptor authenticates as the Deployment's ServiceAccount, with a token from the API server.
// Test only.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { KubeClient } from '../../src/kube/client.js';
import { adminRequest, isAlive, type TestCluster } from '../cluster/harness.js';
import { CONFIG_MAPS, DEPLOYMENTS, PODS, PollingLoop, ROUTER_COMPONENT, SERVICES, type Pod } from '../stand-in/kinds.js';
import { NodeNetwork, type Node } from './node-network.js';

export interface RouterBinaries {
  skrouterd: string;
  kubeAdaptor: string;
  skstat: string;
}

/** The real router binaries of this run (set by test/interop/run.ts from build-router.sh), if any. */
export function routerBinaries(): RouterBinaries | undefined {
  const { KUBECTL_SKUPPER_SKROUTERD: skrouterd, KUBECTL_SKUPPER_KUBE_ADAPTOR: kubeAdaptor, KUBECTL_SKUPPER_SKSTAT: skstat } = process.env;
  return skrouterd && kubeAdaptor ? { skrouterd, kubeAdaptor, skstat: skstat || 'skstat' } : undefined;
}

export const realRouters = (): boolean => routerBinaries() !== undefined;

const shared = globalThis as typeof globalThis & { __ksNodes?: Promise<{ net: NodeNetwork; relayPort: number }> };

/** The run's node network and its API server relay, made on first use. */
export function nodeNetwork(c: TestCluster): Promise<{ net: NodeNetwork; relayPort: number }> {
  shared.__ksNodes ??= (async () => {
    const net = NodeNetwork.create();
    return { net, relayPort: await net.relayTo(Number(new URL(c.server).port)) };
  })();
  return shared.__ksNodes;
}

export async function stopNodeNetwork(): Promise<void> {
  const nodes = await shared.__ksNodes?.catch(() => undefined);
  shared.__ksNodes = undefined;
  nodes?.net.stop();
}

// What a pod gives its containers here: a private /tmp and /etc (an overlay, so that
// /etc/skupper-router-certs exists for this node alone), its own hostname; then the init container,
// then the two containers. The router's ${HOSTNAME} in the config is expanded as its launch script does.
const POD_SCRIPT = `set -eu
kubeconfig=$(cat "$KUBECONFIG") # the service account's credentials, read before /tmp is replaced
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir /tmp/.etc-upper /tmp/.etc-work
mount -t overlay overlay -o lowerdir=/etc,upperdir=/tmp/.etc-upper,workdir=/tmp/.etc-work /etc
mkdir -p /etc/skupper-router-certs /etc/skupper-router-proxies /etc/skupper-router/config
chmod 700 /etc/skupper-router-certs
umask 077 && printf '%s' "$kubeconfig" > /etc/skupper-router/kubeconfig && umask 022
export KUBECONFIG=/etc/skupper-router/kubeconfig
hostname "$POD_NAME"
echo "[pod] config-init"
"$KUBE_ADAPTOR" -init
python3 -c 'import os, sys; open(sys.argv[2], "w").write(os.path.expandvars(open(sys.argv[1]).read()))' "$QDROUTERD_CONF" /etc/skupper-router/config/skrouterd.json
echo "[pod] router and kube-adaptor"
"$SKROUTERD" -c /etc/skupper-router/config/skrouterd.json &
"$KUBE_ADAPTOR" &
wait -n
echo "[pod] a container exited: the pod stops"
kill 0
`;

interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
}
interface RouterDeployment {
  metadata: { name: string; uid?: string; labels?: Record<string, string> };
  spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[]; initContainers?: Container[]; serviceAccount?: string; serviceAccountName?: string } } };
}

interface RunningPod {
  node: Node;
  name: string;
  pid?: number;
  ready: boolean;
  exited?: boolean;
}

export interface RealRouterOptions {
  cluster: TestCluster;
  client: KubeClient;
  namespace: string;
  log?: (line: string) => void;
}

export class RealRouterKubelet extends PollingLoop {
  private readonly pods = new Map<string, RunningPod>();
  private readonly bins: RouterBinaries;

  constructor(private readonly opts: RealRouterOptions) {
    super(`real router ${opts.namespace}`, 250, opts.log);
    const bins = routerBinaries();
    if (!bins) throw new Error('real routers need the binaries from test/interop/build-router.sh (run through npm run test:interop with SKUPPER_ROUTER_SRC and PROTON_SRC)');
    this.bins = bins;
  }

  /** The node a router group runs on (its Pod IP and load-balancer address). */
  node(group = 'skupper-router'): Node | undefined {
    return this.pods.get(group)?.node;
  }

  /** Runs a command in the group's node, e.g. skstat against its router at localhost:5672. */
  exec(group: string, command: string, args: string[]): Promise<string> {
    const pod = this.pods.get(group);
    if (!pod) return Promise.reject(new Error(`no router Pod for ${group} in ${this.opts.namespace}`));
    return new Promise((resolve, reject) => {
      execFile('ip', ['netns', 'exec', pod.node.netns, command, ...args], { timeout: 20_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${command}: ${err.message} ${stderr}`)) : resolve(stdout)));
    });
  }

  /** The router's connections as its management agent lists them (skstat -c). */
  async connections(group = 'skupper-router'): Promise<Record<string, string>[]> {
    return parseTable(await this.exec(group, this.bins.skstat, ['-c', '-b', 'amqp://localhost:5672']));
  }

  async reconcile(): Promise<void> {
    const { client, namespace: ns } = this.opts;
    const deployments = (await client.list(DEPLOYMENTS, ns, { labelSelector: `${ROUTER_COMPONENT}=router` })).items as unknown as RouterDeployment[];
    for (const d of deployments) await this.playKubelet(d);
    await this.playCloud();
  }

  protected override async release(): Promise<void> {
    const { net } = await nodeNetwork(this.opts.cluster);
    for (const pod of this.pods.values()) {
      if (pod.pid) killGroup(pod.pid);
      net.removeNode(pod.node);
    }
    this.pods.clear();
  }

  private async playKubelet(d: RouterDeployment): Promise<void> {
    const { client, namespace: ns, cluster: c } = this.opts;
    const group = d.metadata.name;
    let pod = this.pods.get(group);
    if (!pod) {
      const { net } = await nodeNetwork(c);
      pod = { node: net.addNode(), name: `${group}-real-${Math.random().toString(36).slice(2, 7)}`, ready: false };
      this.pods.set(group, pod);
    }
    if (!(await client.find(PODS, pod.name, ns))) {
      const owner = { apiVersion: 'apps/v1', kind: 'Deployment', name: group, uid: d.metadata.uid! };
      const containers = d.spec.template.spec.containers.map((x) => ({ name: x.name, image: 'local-build' }));
      await client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.name, labels: d.spec.template.metadata.labels, ownerReferences: [owner] }, spec: { containers } } as Pod, ns);
    }
    // The processes start once the router config exists (the init container waits for its Secrets).
    if (!pod.pid && (await client.find(CONFIG_MAPS, envOf(d, 'kube-adaptor').SKUPPER_ROUTER_CONFIG ?? group, ns))) pod.pid = await this.startPod(d, pod);
    if (pod.pid && !pod.exited && !isAlive(pod.pid)) {
      // Not restarted: a test should see the failure, and the Pod's log in the cluster folder says why.
      pod.exited = true;
      this.log?.(`${this.label}: ${pod.name} exited; see pod-${ns}-${pod.name}.log in ${c.dir}`);
      await client.patch(PODS, pod.name, { status: { phase: 'Failed', conditions: [{ type: 'Ready', status: 'False', message: 'a container exited' }] } }, ns, 'status');
    }
    if (pod.pid && !pod.ready && !pod.exited && (await healthy(pod.node.address))) {
      await client.patch(PODS, pod.name, { status: { phase: 'Running', podIP: pod.node.address, podIPs: [{ ip: pod.node.address }], conditions: [{ type: 'Ready', status: 'True' }] } }, ns, 'status');
      pod.ready = true;
    }
  }

  private async startPod(d: RouterDeployment, pod: RunningPod): Promise<number | undefined> {
    const { namespace: ns, cluster: c } = this.opts;
    const { net, relayPort } = await nodeNetwork(c);
    const account = d.spec.template.spec.serviceAccountName || d.spec.template.spec.serviceAccount || 'default';
    const token = await serviceAccountToken(c, ns, account);
    if (!token) return undefined; // the controller has not made the ServiceAccount yet
    const kubeconfig = join(c.dir, `${pod.name}.${ns}.kubeconfig`);
    writeFileSync(kubeconfig, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'pod',
      clusters: [{ name: 'local', cluster: { server: `https://${net.hostAddress}:${relayPort}`, 'tls-server-name': 'localhost', 'certificate-authority-data': Buffer.from(c.ca).toString('base64') } }],
      users: [{ name: account, user: { token } }],
      contexts: [{ name: 'pod', context: { cluster: 'local', user: account, namespace: ns } }],
    }), { mode: 0o600 });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...envOf(d, 'config-init', ns),
      ...envOf(d, 'router', ns),
      ...envOf(d, 'kube-adaptor', ns),
      HOSTNAME: pod.name,
      POD_NAME: pod.name,
      NAMESPACE: ns,
      KUBECONFIG: kubeconfig,
      SKROUTERD: this.bins.skrouterd,
      KUBE_ADAPTOR: this.bins.kubeAdaptor,
    };
    const child = c.launch(`pod-${ns}-${pod.name}`, 'ip', ['netns', 'exec', pod.node.netns, 'unshare', '--mount', '--uts', '--propagation', 'private', 'bash', '-c', POD_SCRIPT], env);
    this.log?.(`${this.label}: started ${pod.name} on ${pod.node.address} (${pod.node.netns})`);
    return child.pid;
  }

  /** The group's LoadBalancer Service gets its node's address, as a cloud load balancer would. */
  private async playCloud(): Promise<void> {
    const { client, namespace: ns } = this.opts;
    for (const svc of (await client.list(SERVICES, ns)).items) {
      const pod = this.pods.get(svc.metadata.name);
      if (svc.spec.type !== 'LoadBalancer' || !pod) continue;
      if (svc.status?.loadBalancer?.ingress?.[0]?.ip === pod.node.address) continue;
      await client.patch(SERVICES, svc.metadata.name, { status: { loadBalancer: { ingress: [{ ip: pod.node.address }] } } }, ns, 'status');
    }
  }
}

/** A container's environment as the kubelet gives it (fieldRef metadata.namespace resolved). */
function envOf(d: RouterDeployment, container: string, ns = ''): Record<string, string> {
  const out: Record<string, string> = {};
  const all = [...d.spec.template.spec.containers, ...(d.spec.template.spec.initContainers ?? [])].filter((x) => x.name === container);
  for (const x of all) {
    for (const e of x.env ?? []) {
      if (e.value !== undefined) out[e.name] = e.value;
      else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') out[e.name] = ns;
    }
  }
  return out;
}

async function serviceAccountToken(c: TestCluster, ns: string, account: string): Promise<string | undefined> {
  const res = await adminRequest(c, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts/${account}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 86400 } });
  if (res.status === 404) return undefined;
  if (res.status !== 201 && res.status !== 200) throw new Error(`token for ServiceAccount ${ns}/${account}: ${res.status} ${res.body}`);
  return (JSON.parse(res.body) as { status: { token: string } }).status.token;
}

function healthy(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: address, port: 9090, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => (req.destroy(), resolve(false)));
    req.end();
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * skstat's table (a header row, a row of '=', then rows) as records. Columns are where the header's
 * names start (names are apart by two spaces or more; "last dlv" is one name); values align with them.
 */
export function parseTable(text: string): Record<string, string>[] {
  const lines = text.split('\n');
  const rule = lines.findIndex((l) => /^\s*=+\s*$/.test(l));
  if (rule < 1) return [];
  const header = lines[rule - 1]!;
  const cols: { name: string; start: number }[] = [];
  const re = /\S+(?: \S+)*/g;
  for (let m = re.exec(header); m; m = re.exec(header)) cols.push({ name: m[0], start: m.index });
  return lines
    .slice(rule + 1)
    .filter((l) => l.trim())
    .map((l) => Object.fromEntries(cols.map((col, i) => [col.name, l.slice(col.start, cols[i + 1]?.start).trim()])));
}
