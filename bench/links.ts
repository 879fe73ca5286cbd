// Benchmark (not a test): link generate end to end, and link status over 2,000 Links, against the
// local API server, each run as a whole process the way a user runs it. Reports medians.
// Usage: npm run bench:links [-- --runs 9 --links 2000]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startWithStandIns } from '../scripts/local-cluster.js';
import { timed } from './timing.js';
import { connect } from '../src/kube/connect.js';
import { LINKS } from '../src/kube/resources.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' }, links: { type: 'string', default: '2000' } } });
const runs = Number(values.runs);
const linkCount = Number(values.links);

async function median(cmd: string, args: string[], env: Record<string, string>): Promise<number> {
  await timed(cmd, args, env); // warm the page cache
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(cmd, args, env));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

// A stand-in for west only (it makes west's CA and endpoints); none reconciles the 2,000 Links.
const { cluster, stop } = await startWithStandIns(undefined, ['west']);
try {
  const env = { KUBECONFIG: cluster.kubeconfig };
  const dev = join(root, 'bin', 'kubectl-skupper');
  const packaged = join(root, 'dist', 'kubectl-skupper-linux-amd64');
  const binaries: [string, string][] = [['bin/kubectl-skupper (Node 24, bundled ESM)', dev]];
  if (existsSync(packaged)) binaries.push(['dist/kubectl-skupper-linux-amd64 (single executable)', packaged]);

  await timed(dev, ['site', 'create', 'west', '--enable-link-access', '--context', 'west'], env);
  const client = await connect({ kubeconfig: cluster.kubeconfig, context: 'east', env: {} });
  const endpoint = { name: 'inter-router', host: '127.0.0.1', port: '1', group: 'skupper-router' };
  for (let i = 0; i < linkCount; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, linkCount - i) }, (_, j) =>
        client.create(LINKS, { apiVersion: 'skupper.io/v2alpha1', kind: 'Link', metadata: { name: `link-${String(i + j).padStart(5, '0')}` }, spec: { endpoints: [endpoint], tlsCredentials: 'x', cost: 1 } }),
      ),
    );
  }

  const rows: string[] = [];
  for (const [label, bin] of binaries) {
    rows.push(`${label}`);
    rows.push(`  version                                  ${(await median(bin, ['version'], env)).toFixed(0)} ms`);
    rows.push(`  link generate (west)                     ${(await median(bin, ['link', 'generate', '--context', 'west'], env)).toFixed(0)} ms`);
    rows.push(`  link status (east, ${linkCount} links)          ${(await median(bin, ['link', 'status', '--context', 'east'], env)).toFixed(0)} ms`);
    rows.push(`  link status -o json (east, ${linkCount} links)  ${(await median(bin, ['link', 'status', '-o', 'json', '--context', 'east'], env)).toFixed(0)} ms`);
  }
  rows.push('kubectl (for comparison)');
  rows.push(`  kubectl get links (east, ${linkCount} links)    ${(await median('kubectl', ['get', 'links.skupper.io', '--context', 'east'], env)).toFixed(0)} ms`);
  console.log(`median of ${runs} runs, whole processes, local API server on loopback\n${rows.join('\n')}`);
} finally {
  await stop();
}
