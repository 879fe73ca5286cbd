// npm run demo: the Skupper linking procedure, then exposing a service across the link, end to end, on a local cluster this script starts
// and stops. Every command is run as a user would type it: `kubectl skupper ...` found by kubectl's
// plugin discovery, and `kubectl apply`. Sites west and east live in namespaces of those names.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWithStandIns } from './local-cluster.js';
import { realDataPlaneRequested, startWithRealRouters, type RealCluster } from './real-cluster.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'kubectl-skupper-demo-'));
const bold = (s: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[1m${s}\u001b[22m` : s);

// With the three checkouts named (SKUPPER_SRC, SKUPPER_ROUTER_SRC, PROTON_SRC) the demo runs on the
// real upstream controller and real routers and ends by sending bytes across the link.
const real: RealCluster | undefined = realDataPlaneRequested() ? await startWithRealRouters(['west', 'east'], (l) => console.log(l)) : undefined;
if (real) console.log('Local Kubernetes API server with namespaces west and east, the upstream Skupper controller and, per site, the real skupper-router and kube-adaptor.');
else console.log('Starting a local Kubernetes API server with sites west and east (the first run builds it)...');
// Links take a few seconds to become operational, as with a real router, so `link status` shows
// Pending before Ready, as on Skupper's own page.
const { cluster, stop } = real ?? (await startWithStandIns(undefined, ['west', 'east'], 3000));
const env = { ...process.env, KUBECONFIG: cluster.kubeconfig, PATH: `${join(repo, 'bin')}:${process.env.PATH}` };
let failed = false;

function step(title: string): void {
  console.log(`\n${bold(`## ${title}`)}`);
}

/**
 * Runs a shell command line as typed, prints it and its output. Asynchronous on purpose: the
 * controller and router stand-ins live in this process and must keep working while the command runs.
 */
async function sh(line: string, opts: { expectFailure?: boolean } = {}): Promise<void> {
  console.log(`\n$ ${line}`);
  const child = spawn('sh', ['-c', line], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  process.stdout.write(output);
  if ((code !== 0) !== Boolean(opts.expectFailure)) {
    failed = true;
    console.log(`(unexpected exit code ${code})`);
  }
}

/** Starts a long-running command in the background (as in another terminal) and waits until it listens. */
async function startGrantServer(line: string): Promise<ChildProcess> {
  console.log(`\n$ ${line} &`);
  const child = spawn('sh', ['-c', `exec ${line}`], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 30_000;
  while (!output.includes('listening on') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  process.stdout.write(output);
  if (!output.includes('listening on')) {
    failed = true;
    console.log('(the grant server did not start)');
  }
  return child;
}

let grantServer: ChildProcess | undefined;
try {
  step('Prepare two sites: west and east');
  await sh('kubectl skupper site create west --context west');
  await sh('kubectl skupper site create east --context east');

  step('Linking sites using a token');
  console.log('\n(The Skupper controller here has its grant server disabled, so a grant server serves west; in a real setup it runs in another terminal or as a Deployment.)');
  grantServer = await startGrantServer('kubectl skupper grant-server --context west --listen 127.0.0.1:0');
  await sh('kubectl skupper site update --enable-link-access --context west');
  await sh('kubectl skupper token issue west.yaml --context west');
  await sh("grep '^#' west.yaml");
  await sh('kubectl skupper token inspect west.yaml');
  await sh('kubectl skupper token redeem west.yaml --context east');
  await sh('kubectl skupper link status --context east');
  await sh('kubectl skupper link status --wait ready --timeout 60s --context east');

  step('Linking sites using a link resource');
  await sh('kubectl skupper site update --enable-link-access --context west');
  await sh('kubectl skupper link generate --context west > link.yaml');
  await sh("grep -E '^(kind|  name):' link.yaml");
  await sh('kubectl apply -f link.yaml --context east');
  await sh('kubectl skupper link status --context east');
  await sh('kubectl skupper link status --wait ready --timeout 60s --context east');

  step('Why is my link (not) Ready? Check it from here');
  await sh('kubectl skupper link check --context east');

  if (real) await sendBytes(real);
  else {
    // The stand-ins' kubelet: the backend's pod is reported Running and Ready by hand.
    step('Exposing services on the application network');
    await sh('kubectl create deployment backend --image=quay.io/skupper/hello-world-backend --port=8080 --context west');
    console.log('\n(This local cluster has no kubelet: a pod of the deployment is made and reported Running and Ready as a kubelet would.)');
    await sh('kubectl run backend-1 --image=quay.io/skupper/hello-world-backend --labels=app=backend --context west');
    await sh(`kubectl patch pod backend-1 --subresource=status --type=merge -p '{"status":{"phase":"Running","podIP":"10.0.0.7","conditions":[{"type":"Ready","status":"True"}]}}' --context west`);
    await sh('kubectl skupper service expose deployment/backend --port 8080 --from west --to east');
    await sh('kubectl skupper connector status --context west');
    await sh('kubectl skupper listener status --context east');
    await sh('kubectl skupper doctor --context east | grep -i listener');
  }
} finally {
  if (grantServer) {
    grantServer.kill('SIGTERM');
    await new Promise((resolve) => grantServer!.once('exit', resolve));
  }
  await stop();
  rmSync(work, { recursive: true, force: true });
}
console.log(failed ? '\nThe demo hit an unexpected result (see above).' : `\nDone: east is linked to west${real ? ' and bytes crossed the link' : ', and backend on west is served on east'}. The local cluster is stopped.`);
process.exitCode = failed ? 1 : 0;

/** Real routers only: a Connector at west to a server, a Listener at east, and bytes through them. */
async function sendBytes(real: RealCluster): Promise<void> {
  step('Sending bytes across the link (real routers)');
  const host = await real.hostAddress();
  const server = createServer((socket) => socket.on('data', (chunk: Buffer) => socket.write(`west's server got: ${chunk.toString()}`)));
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const port = (server.address() as { port: number }).port;
  console.log(`\n(A server at ${host}:${port}, reachable from west's router, answers what it reads.)`);
  try {
    writeFileSync(join(work, 'connector.yaml'), `apiVersion: skupper.io/v2alpha1\nkind: Connector\nmetadata:\n  name: backend\nspec:\n  routingKey: backend\n  host: ${host}\n  port: ${port}\n`);
    writeFileSync(join(work, 'listener.yaml'), 'apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata:\n  name: backend\nspec:\n  routingKey: backend\n  host: backend\n  port: 8080\n');
    await sh('kubectl apply -f connector.yaml --context west');
    await sh('kubectl apply -f listener.yaml --context east');
    const deadline = Date.now() + 60_000;
    let reply = '';
    let target: { host: string; port: number } | undefined;
    while (!reply && Date.now() < deadline) {
      target = await real.listenerAddress('east', 'backend');
      if (target) reply = await exchange(target.host, target.port, 'hello from east').catch(() => '');
      if (!reply) await new Promise((r) => setTimeout(r, 500));
    }
    console.log(`\n$ echo 'hello from east' | nc ${target?.host ?? '<east router>'} ${target?.port ?? ''}   # east's router, listener "backend"`);
    console.log(reply || '(no answer within 60 s)');
    if (!reply.includes('hello from east')) failed = true;
  } finally {
    server.close();
  }
}

function exchange(host: string, port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port }, () => socket.write(text));
    let got = '';
    const timer = setTimeout(() => (socket.destroy(), resolve(got)), 5000);
    socket.on('data', (c: Buffer) => {
      got += c.toString();
      if (got.includes(text)) (clearTimeout(timer), socket.end(), resolve(got));
    });
    socket.on('error', (err) => (clearTimeout(timer), reject(err)));
  });
}
