// Interop mode: the upstream Skupper controller, built from $SKUPPER_SRC by build-upstream.sh, run
// out of cluster against the harness's API server, and the upstream `skupper` CLI. Test only.
//
// Two controller instances, both with -require-explicit-control, so a namespace is handled by the
// one its ConfigMap `skupper` names: GRANTS_CONTROLLER serves AccessGrants (its grant server on
// loopback, TLS from Certificate resources), SITE_CONTROLLER runs with grants disabled, as the
// controller stand-in does, so that our own grant server can serve those namespaces.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNamespace, adminRequest, type TestCluster } from '../cluster/harness.js';

/** The folder holding the upstream controller and CLI when the run is in interop mode. */
export function upstreamBin(): string | undefined {
  return process.env.KUBECTL_SKUPPER_UPSTREAM_BIN || undefined;
}

export const isInterop = (): boolean => upstreamBin() !== undefined;

/** The upstream version the binaries were built from (the checkout's tag). */
export function upstreamVersion(): string {
  const bin = upstreamBin();
  return bin && existsSync(join(bin, 'version')) ? readFileSync(join(bin, 'version'), 'utf8').trim() : 'unknown';
}

export const CONTROLLER_NAMESPACE = 'skupper-system';
export const SITE_CONTROLLER = 'skupper-controller';
export const GRANTS_CONTROLLER = 'skupper-controller-grants';

export interface Upstream {
  grantServerPort: number;
}

/** The ConfigMap that hands a namespace to one controller (needed before its Site is made). */
export function controlConfigMap(controller: string) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'skupper' }, data: { controller: `${CONTROLLER_NAMESPACE}/${controller}` } };
}

/**
 * Hands the namespace to a controller and waits until that controller knows: a Site made before
 * it has read the ConfigMap is ignored until the 30 s resync. The proof is a probe Certificate
 * that only the controller in charge turns into a Secret; both are removed again.
 */
export async function markNamespace(cluster: Pick<TestCluster, 'server' | 'admin' | 'ca'>, namespace: string, controller: string, opts: { probe?: boolean } = {}): Promise<void> {
  const res = await adminRequest(cluster, 'POST', `/api/v1/namespaces/${namespace}/configmaps`, controlConfigMap(controller));
  if (res.status === 409) {
    const put = await adminRequest(cluster, 'PUT', `/api/v1/namespaces/${namespace}/configmaps/skupper`, controlConfigMap(controller));
    if (put.status !== 200) throw new Error(`marking namespace ${namespace} failed: ${put.status} ${put.body}`);
  } else if (res.status !== 201) throw new Error(`marking namespace ${namespace} failed: ${res.status} ${res.body}`);
  if (opts.probe === false) return;
  const probe = 'kubectl-skupper-control-probe';
  const certs = `/apis/skupper.io/v2alpha1/namespaces/${namespace}/certificates`;
  const created = await adminRequest(cluster, 'POST', certs, { apiVersion: 'skupper.io/v2alpha1', kind: 'Certificate', metadata: { name: probe }, spec: { ca: '', subject: probe, signing: true } });
  if (created.status !== 201) throw new Error(`probing the controller in ${namespace} failed: ${created.status} ${created.body}`);
  const deadline = Date.now() + 40_000;
  while ((await adminRequest(cluster, 'GET', `/api/v1/namespaces/${namespace}/secrets/${probe}`)).status !== 200) {
    if (Date.now() > deadline) throw new Error(`controller ${controller} did not take namespace ${namespace} within 40 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await adminRequest(cluster, 'DELETE', `${certs}/${probe}`);
  await adminRequest(cluster, 'DELETE', `/api/v1/namespaces/${namespace}/secrets/${probe}`);
}

/** Starts both controllers; they stop with the cluster. */
export async function startUpstream(cluster: TestCluster, grantServerPort: number, log: (line: string) => void = () => {}): Promise<Upstream> {
  const bin = upstreamBin();
  if (!bin) throw new Error('not in interop mode');
  await createNamespace(cluster, CONTROLLER_NAMESPACE);
  // The grant server's TLS Secret: autoconfigure reads the controller's own Pod, so out of
  // cluster we ask the controller for it with Certificate resources instead.
  await markNamespace(cluster, CONTROLLER_NAMESPACE, GRANTS_CONTROLLER, { probe: false }); // no controller runs yet
  const cert = (name: string, spec: Record<string, unknown>) =>
    adminRequest(cluster, 'POST', `/apis/skupper.io/v2alpha1/namespaces/${CONTROLLER_NAMESPACE}/certificates`, { apiVersion: 'skupper.io/v2alpha1', kind: 'Certificate', metadata: { name }, spec });
  for (const res of [
    await cert('skupper-grant-server-ca', { ca: '', subject: 'SkupperGrantServerCA', signing: true }),
    await cert('skupper-grant-server', { ca: 'skupper-grant-server-ca', subject: '127.0.0.1', hosts: ['127.0.0.1'], server: true }),
  ]) {
    if (res.status !== 201) throw new Error(`creating the grant server's Certificate failed: ${res.status} ${res.body}`);
  }
  // HOSTNAME, NAMESPACE, CONTROLLER_NAME... are read from the environment: pass only what we mean.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  const common = ['-kubeconfig', cluster.kubeconfig, '-namespace', CONTROLLER_NAMESPACE, '-require-explicit-control', '-disable-metrics', '-cluster-host', '127.0.0.1'];
  const controller = join(bin, 'controller');
  log(`starting upstream controllers ${GRANTS_CONTROLLER} (grant server on 127.0.0.1:${grantServerPort}) and ${SITE_CONTROLLER}`);
  cluster.launch(GRANTS_CONTROLLER, controller, [...common, '-name', GRANTS_CONTROLLER, '-enable-grants', '-grant-server-port', String(grantServerPort), '-grant-server-base-url', `127.0.0.1:${grantServerPort}`], env);
  cluster.launch(SITE_CONTROLLER, controller, [...common, '-name', SITE_CONTROLLER], env);
  await waitGrantServer(cluster, grantServerPort);
  return { grantServerPort };
}

/** The grant server answers once its TLS Secret exists; any HTTP answer means it is up. */
async function waitGrantServer(cluster: TestCluster, port: number): Promise<void> {
  const { request } = await import('node:https');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/', method: 'GET', rejectUnauthorized: false, timeout: 1000 }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the upstream grant server did not answer on 127.0.0.1:${port} within 60s; see ${join(cluster.dir, `${GRANTS_CONTROLLER}.log`)}`);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the upstream `skupper` CLI against the test cluster (asynchronously: stand-ins live in this process). */
export function skupper(kubeconfig: string, namespace: string, args: string[], opts: { context?: string; input?: string; cwd?: string } = {}): Promise<CliResult> {
  const bin = upstreamBin();
  if (!bin) throw new Error('not in interop mode');
  const argv = [...args, '-n', namespace, ...(opts.context ? ['--context', opts.context] : [])];
  const child = spawn(join(bin, 'skupper'), argv, { env: { PATH: process.env.PATH, HOME: process.env.HOME, KUBECONFIG: kubeconfig }, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(opts.input ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
}
