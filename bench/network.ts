// Benchmark (not a test): `network status` over four contexts against a single `link status`, each
// run as a whole process the way a user runs it. The contexts are read in parallel, so the ratio
// should stay near 1 (the target: at most 1.5x). Reports medians.
// Usage: npm run bench:network [-- --runs 9]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import { createNamespace } from '../test/cluster/harness.js';
import { ControllerStandIn } from '../test/stand-in/controller-stand-in.js';
import { RouterStandIn } from '../test/stand-in/router-stand-in.js';
import { startWithStandIns } from '../scripts/local-cluster.js';
import { timed } from './timing.js';
import { connect } from '../src/kube/connect.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Number(values.runs);

/** Runs the commands in turn, `runs` rounds, so that a busy machine slows each of them alike. */
async function medians(commands: [string, string[]][], env: Record<string, string>): Promise<[number, number, number]> {
  for (const [cmd, args] of commands) await timed(cmd, args, env); // warm the page cache
  const times: number[][] = commands.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [j, [cmd, args]] of commands.entries()) times[j]!.push(await timed(cmd, args, env));
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!) as [number, number, number];
}

const sites = ['west', 'east', 'north', 'south'];
const { cluster, stop } = await startWithStandIns(undefined, []);
const standIns: (ControllerStandIn | RouterStandIn)[] = [];
try {
  for (const ns of sites) {
    await createNamespace(cluster, ns);
    const client = await connect({ kubeconfig: cluster.kubeconfig, context: 'west', namespace: ns, env: {} });
    standIns.push(new ControllerStandIn({ client, namespace: ns }).start(), new RouterStandIn({ client, namespace: ns }).start());
  }
  // Four contexts, two of them reaching the API server by another name (a second "cluster").
  const doc = parse(readFileSync(cluster.kubeconfig, 'utf8'));
  const local = doc.clusters.find((c: { name: string }) => c.name === 'local').cluster;
  doc.clusters.push({ name: 'other', cluster: { ...local, server: cluster.server.replace('127.0.0.1', 'localhost') } });
  doc.contexts = sites.map((ns, i) => ({ name: ns, context: { cluster: i < 2 ? 'local' : 'other', user: 'admin', namespace: ns } }));
  const kubeconfig = join(cluster.dir, 'bench-kubeconfig');
  writeFileSync(kubeconfig, stringify(doc), { mode: 0o600 });
  const env = { KUBECONFIG: kubeconfig };
  const dev = join(root, 'bin', 'kubectl-skupper');
  for (const ns of sites) await timed(dev, ['site', 'create', ns, '--enable-link-access', '--context', ns], env);
  // A ring of Ready links: east->west, north->east, south->north, west->south.
  for (const [i, ns] of sites.entries()) await timed(dev, ['link', 'sites', '--from', sites[(i + 1) % 4]!, '--to', ns], env);

  const packaged = join(root, 'dist', 'kubectl-skupper-linux-amd64');
  const binaries: [string, string][] = [['bin/kubectl-skupper (Node 24, bundled ESM)', dev]];
  if (existsSync(packaged)) binaries.push(['dist/kubectl-skupper-linux-amd64 (single executable)', packaged]);
  const rows: string[] = [];
  for (const [label, bin] of binaries) {
    const [single, one, network] = await medians([
      [bin, ['link', 'status', '--context', 'west']],
      [bin, ['network', 'status', '--contexts', 'west']],
      [bin, ['network', 'status', '--contexts', sites.join(',')]],
    ], env);
    rows.push(label);
    rows.push(`  link status (one context)              ${single.toFixed(0)} ms`);
    rows.push(`  network status (one context)           ${one.toFixed(0)} ms`);
    rows.push(`  network status (four contexts)         ${network.toFixed(0)} ms   ${(network / single).toFixed(2)}x link status`);
  }
  console.log(`median of ${runs} interleaved runs, whole processes, local API server on loopback\n${rows.join('\n')}`);
} finally {
  await Promise.all(standIns.map((s) => s.stop()));
  await stop();
}
