// Starts a real etcd and kube-apiserver on loopback (RBAC on, client-certificate authentication),
// installs our CRDs, and writes a kubeconfig with contexts west, east (admin) and nobody (a user
// with no permissions). Everything it starts is stopped by stop(), on exit, and on Ctrl-C; a run
// that was killed outright is cleaned up by the next start (see reapStale).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { createCA } from '../../src/certs/ca.js';
import { issueCertificate } from '../../src/certs/issue.js';
import type { PemPair } from '../../src/certs/pem.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const STATE_PREFIX = 'kubectl-skupper-cluster-';

export interface TestCluster {
  /** Kubeconfig with contexts west, east (namespaces of those names, admin) and nobody. */
  kubeconfig: string;
  server: string;
  dir: string;
  /** The admin identity, for code that talks to the API server directly. */
  admin: PemPair;
  ca: string;
  /** Starts a process that lives as long as the cluster (its log and pid file go in dir). */
  launch(name: string, path: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  /** Kills only kube-apiserver (etcd keeps the data) and resolves once it has exited; for fault tests. */
  stopApiServer(): Promise<void>;
  /** Starts kube-apiserver again on the same port with the same etcd and resolves once it is ready. */
  startApiServer(): Promise<void>;
  stop(): void;
}

export interface StartOptions {
  /** Namespaces to create (default west and east). */
  namespaces?: string[];
  /** Install the Skupper CRDs (default true); false gives a cluster without Skupper, for "not installed" tests. */
  crds?: boolean;
  /** Where the CRDs come from (default deploy/crds; interop mode passes the upstream checkout's). */
  crdDir?: string;
  /** Print progress to stderr. */
  log?: (line: string) => void;
  /** More kube-apiserver flags (the soak test: no watch cache and frequent etcd compaction, so that watches expire with 410 Gone). */
  apiServerArgs?: string[];
}

/** Builds (once, cached) etcd and kube-apiserver and returns the folder that holds them. */
export function ensureBinaries(log?: (line: string) => void): string {
  log?.('checking the cached kube-apiserver and etcd (the first build takes several minutes)');
  const out = execFileSync('bash', [join(here, 'build.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
  return out.toString().trim().split('\n').pop()!;
}

export async function startCluster(opts: StartOptions = {}): Promise<TestCluster> {
  const log = opts.log ?? (() => {});
  reapStale();
  const bin = ensureBinaries(log);
  const dir = mkdtempSync(join(tmpdir(), STATE_PREFIX));
  const children: ChildProcess[] = [];
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const child of children.reverse()) killGroup(child.pid);
    rmSync(dir, { recursive: true, force: true });
    process.off('exit', stop);
  };
  process.on('exit', stop);
  try {
    writeFileSync(join(dir, 'owner.pid'), String(process.pid));
    const pki = await makePki(dir);
    const [etcdPort, etcdPeerPort, apiPort] = await freePorts(3);
    log(`starting etcd on 127.0.0.1:${etcdPort}`);
    children.push(
      launch(dir, 'etcd', join(bin, 'etcd'), [
        '--data-dir', join(dir, 'etcd'),
        '--listen-client-urls', `http://127.0.0.1:${etcdPort}`,
        '--advertise-client-urls', `http://127.0.0.1:${etcdPort}`,
        '--listen-peer-urls', `http://127.0.0.1:${etcdPeerPort}`,
        '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeerPort}`,
        '--initial-cluster', `default=http://127.0.0.1:${etcdPeerPort}`,
        '--unsafe-no-fsync', // test data: speed over durability
        '--log-level', 'error',
      ]),
    );
    log(`starting kube-apiserver on 127.0.0.1:${apiPort}`);
    const apiArgs = [
        '--etcd-servers', `http://127.0.0.1:${etcdPort}`,
        '--bind-address', '127.0.0.1',
        '--secure-port', String(apiPort),
        '--advertise-address', '127.0.0.1',
        '--tls-cert-file', pki.serverCert,
        '--tls-private-key-file', pki.serverKey,
        '--client-ca-file', pki.caFile,
        '--authorization-mode', 'RBAC',
        '--service-cluster-ip-range', '10.0.0.0/16',
        '--service-account-issuer', 'https://kubernetes.default.svc',
        '--service-account-key-file', pki.saPub,
        '--service-account-signing-key-file', pki.saKey,
        '--disable-admission-plugins', 'ServiceAccount',
        '--allow-privileged=true',
        '--cert-dir', join(dir, 'apiserver-certs'),
        '--v', '0',
        ...(opts.apiServerArgs ?? []),
    ];
    children.push(launch(dir, 'kube-apiserver', join(bin, 'kube-apiserver'), apiArgs));
    const server = `https://127.0.0.1:${apiPort}`;
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigYaml(server, pki), { mode: 0o600 });
    const extra = (name: string, path: string, args: string[], env?: NodeJS.ProcessEnv) => {
      const child = launch(dir, name, path, args, env);
      children.push(child);
      return child;
    };
    const stopApiServer = async () => {
      const api = children[1]!;
      if (api.exitCode !== null || api.signalCode !== null) return;
      const exited = new Promise((resolve) => api.once('exit', resolve));
      api.ref(); // launch() unrefs its children: without this nothing keeps Node waiting for the exit
      killGroup(api.pid);
      await exited;
    };
    const startApiServer = async () => {
      // The log file is truncated by launch(); keep the first life's log next to it.
      writeFileSync(join(dir, 'kube-apiserver.previous.log'), readIfExists(join(dir, 'kube-apiserver.log')));
      children[1] = launch(dir, 'kube-apiserver', join(bin, 'kube-apiserver'), apiArgs);
      await waitReady(cluster, children);
    };
    const cluster: TestCluster = { kubeconfig, server, dir, admin: pki.admin, ca: pki.ca.cert, launch: extra, stopApiServer, startApiServer, stop };
    await waitReady(cluster, children);
    if (opts.crds !== false) await installCrds(cluster, opts.crdDir ?? CRD_DIR, log);
    for (const ns of opts.namespaces ?? ['west', 'east']) await createNamespace(cluster, ns);
    log('cluster is ready');
    return cluster;
  } catch (err) {
    stop();
    throw err;
  }
}

interface Pki {
  ca: PemPair;
  admin: PemPair;
  nobody: PemPair;
  caFile: string;
  serverCert: string;
  serverKey: string;
  saKey: string;
  saPub: string;
}

async function makePki(dir: string): Promise<Pki> {
  const pkiDir = join(dir, 'pki');
  mkdirSync(pkiDir);
  const ca = await createCA('kubectl-skupper test cluster CA', { keyType: 'ecdsa' });
  const server = await issueCertificate(ca, { commonName: 'kube-apiserver', hosts: ['127.0.0.1', 'localhost', 'kubernetes.default.svc'], server: true, keyType: 'ecdsa' });
  const admin = await issueCertificate(ca, { commonName: 'admin', organization: 'system:masters', client: true, keyType: 'ecdsa' });
  const nobody = await issueCertificate(ca, { commonName: 'nobody', client: true, keyType: 'ecdsa' });
  const sa = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const file = (name: string, content: string) => {
    const path = join(pkiDir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  return {
    ca,
    admin,
    nobody,
    caFile: file('ca.crt', ca.cert),
    serverCert: file('server.crt', server.cert),
    serverKey: file('server.key', server.key),
    saKey: file('sa.key', sa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    saPub: file('sa.pub', sa.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
}

function kubeconfigYaml(server: string, pki: Pki): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const user = (name: string, pair: PemPair) => ({ name, user: { 'client-certificate-data': b64(pair.cert), 'client-key-data': b64(pair.key) } });
  const context = (name: string, userName: string, namespace: string) => ({ name, context: { cluster: 'local', user: userName, namespace } });
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster: { server, 'certificate-authority-data': b64(pki.ca.cert) } }],
    users: [user('admin', pki.admin), user('nobody', pki.nobody)],
    contexts: [context('west', 'admin', 'west'), context('east', 'admin', 'east'), context('nobody', 'nobody', 'west')],
    'current-context': 'west',
  });
}

function launch(dir: string, name: string, path: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
  const logFile = join(dir, `${name}.log`);
  writeFileSync(logFile, '');
  // Own process group, so that stop() also ends anything the process started.
  const child = spawn('sh', ['-c', `exec "$0" "$@" >>"${logFile}" 2>&1`, path, ...args], { detached: true, stdio: 'ignore', env: env ?? process.env });
  child.unref();
  writeFileSync(join(dir, `${name}.pid`), String(child.pid));
  return child;
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Clusters whose owner died without cleaning up (kill -9, a crashed CI step) are removed here. */
export function reapStale(): void {
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(STATE_PREFIX)) continue;
    const dir = join(tmpdir(), entry);
    const owner = Number(readIfExists(join(dir, 'owner.pid')));
    if (owner && isAlive(owner)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.pid') && f !== 'owner.pid')) killGroup(Number(readIfExists(join(dir, file))) || undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function readIfExists(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : '';
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Calls the API server as admin with node's https (the harness does not use the code under test). */
export async function adminRequest(cluster: Pick<TestCluster, 'server' | 'admin' | 'ca'>, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(
      cluster.server + path,
      { method, cert: cluster.admin.cert, key: cluster.admin.key, ca: cluster.ca, headers: { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json', accept: 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function waitReady(cluster: TestCluster, children: ChildProcess[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    for (const [i, name] of ['etcd', 'kube-apiserver'].entries()) {
      if (children[i]?.exitCode !== null && children[i]?.exitCode !== undefined) {
        throw new Error(`${name} exited with code ${children[i]!.exitCode}; its log:\n${tail(join(cluster.dir, `${name}.log`))}`);
      }
    }
    try {
      const res = await adminRequest(cluster, 'GET', '/readyz');
      if (res.status === 200) return;
      last = `${res.status} ${res.body.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`kube-apiserver was not ready within 60s (${last}); its log:\n${tail(join(cluster.dir, 'kube-apiserver.log'))}`);
}

function tail(file: string): string {
  return readIfExists(file).split('\n').slice(-20).join('\n');
}

export const CRD_DIR = join(repo, 'deploy', 'crds');

async function installCrds(cluster: TestCluster, crdDir: string, log: (line: string) => void): Promise<void> {
  const { parseAllDocuments } = await import('yaml');
  const files = readdirSync(crdDir).filter((f) => f.endsWith('.yaml')).sort();
  const names: string[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(crdDir, file), 'utf8'))) {
      const crd = doc.toJS() as { kind?: string; metadata: { name: string } } | null;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      const res = await adminRequest(cluster, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
      if (res.status !== 201) throw new Error(`installing ${file} failed: ${res.status} ${res.body}`);
      names.push(crd.metadata.name);
    }
  }
  log(`installed ${names.length} CRDs; waiting until they are Established`);
  await waitEstablished(cluster, names);
}

export async function waitEstablished(cluster: Pick<TestCluster, 'server' | 'admin' | 'ca'>, names: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  const pending = new Set(names);
  while (pending.size > 0 && Date.now() < deadline) {
    for (const name of [...pending]) {
      const res = await adminRequest(cluster, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      const crd = JSON.parse(res.body) as { status?: { conditions?: { type: string; status: string }[] } };
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) pending.delete(name);
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 100));
  }
  if (pending.size > 0) throw new Error(`CRDs not Established within 30s: ${[...pending].join(', ')}`);
  // Discovery lags a little behind Established; wait until the group is served.
  while (Date.now() < deadline) {
    const res = await adminRequest(cluster, 'GET', '/apis/skupper.io/v2alpha1');
    if (res.status === 200 && names.every((n) => res.body.includes(`"${n.split('.')[0]}"`))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function createNamespace(cluster: Pick<TestCluster, 'server' | 'admin' | 'ca'>, name: string): Promise<void> {
  const res = await adminRequest(cluster, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  if (res.status !== 201 && res.status !== 409) throw new Error(`creating namespace ${name} failed: ${res.status} ${res.body}`);
}
