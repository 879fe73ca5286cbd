// A kubeconfig of a test's own: the harness's clusters and users plus contexts it names, e.g. one
// per namespace, one reaching the same API server by another name (a second "cluster"), and one
// pointing at a port where nothing listens. The harness's own file is left alone.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { cluster } from './cluster.js';

export interface ExtraContext {
  name: string;
  namespace: string;
  /** local (the harness's server as 127.0.0.1), other (the same server as "localhost"), or down (nothing listens). */
  cluster: 'local' | 'other' | 'down';
  user?: 'admin' | 'nobody';
}

/** A loopback port that was free a moment ago and has nothing listening on it now. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function kubeconfigWith(contexts: ExtraContext[]): Promise<string> {
  const c = await cluster();
  const doc = parse(readFileSync(c.kubeconfig, 'utf8'));
  const local = doc.clusters.find((x: { name: string }) => x.name === 'local').cluster;
  doc.clusters.push({ name: 'other', cluster: { ...local, server: c.server.replace('127.0.0.1', 'localhost') } });
  doc.clusters.push({ name: 'down', cluster: { ...local, server: `https://127.0.0.1:${await closedPort()}` } });
  for (const x of contexts) doc.contexts.push({ name: x.name, context: { cluster: x.cluster, user: x.user ?? 'admin', namespace: x.namespace } });
  const file = join(mkdtempSync(join(tmpdir(), 'ks-kubeconfig-')), 'config');
  writeFileSync(file, stringify(doc), { mode: 0o600 });
  return file;
}

/** A copy of a kubeconfig with no current-context: commands must then name a context, or list them. */
export function withoutCurrentContext(kubeconfig: string): string {
  const doc = parse(readFileSync(kubeconfig, 'utf8'));
  delete doc['current-context'];
  const file = join(mkdtempSync(join(tmpdir(), 'ks-kubeconfig-')), 'config');
  writeFileSync(file, stringify(doc), { mode: 0o600 });
  return file;
}
