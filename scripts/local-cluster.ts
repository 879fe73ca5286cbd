// The local cluster people try the plugin on: the test harness's real kube-apiserver and etcd,
// with the controller and router stand-ins for namespaces west and east. `npm run cluster:up` runs this file in the
// background (daemon mode); `npm run cluster:down` stops it. State lives in .cache/.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, startCluster, type TestCluster } from '../test/cluster/harness.js';
import { ControllerStandIn } from '../test/stand-in/controller-stand-in.js';
import { RouterStandIn } from '../test/stand-in/router-stand-in.js';
import { connect } from '../src/kube/connect.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const stateDir = join(repo, '.cache');
const stateFile = join(stateDir, 'local-cluster.json');
const logFile = join(stateDir, 'local-cluster.log');

interface State {
  pid: number;
  kubeconfig: string;
}

export async function startWithStandIns(log?: (line: string) => void, standInNamespaces = ['west', 'east'], operationalDelayMs = 0): Promise<{ cluster: TestCluster; standIns: (ControllerStandIn | RouterStandIn)[]; stop: () => Promise<void> }> {
  const cluster = await startCluster({ log });
  const standIns: (ControllerStandIn | RouterStandIn)[] = [];
  for (const ns of standInNamespaces) {
    const client = await connect({ kubeconfig: cluster.kubeconfig, context: ns, env: {} });
    standIns.push(new ControllerStandIn({ client, namespace: ns, log }).start());
    standIns.push(new RouterStandIn({ client, namespace: ns, log, operationalDelayMs }).start());
  }
  const stop = async () => {
    await Promise.all(standIns.map((s) => s.stop()));
    cluster.stop();
  };
  return { cluster, standIns, stop };
}

function readState(): State | undefined {
  if (!existsSync(stateFile)) return undefined;
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as State;
  if (isAlive(state.pid)) return state;
  rmSync(stateFile, { force: true });
  return undefined;
}

async function up(): Promise<void> {
  const running = readState();
  if (running) {
    console.log(`The local cluster is already running.\nexport KUBECONFIG=${running.kubeconfig}`);
    return;
  }
  mkdirSync(stateDir, { recursive: true });
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'daemon'], { detached: true, stdio: ['ignore', out, out], cwd: repo });
  child.unref();
  console.error('Starting the local cluster (kube-apiserver, etcd, controller and router stand-ins for west and east)...');
  const deadline = Date.now() + 15 * 60_000; // the first run builds kube-apiserver
  while (Date.now() < deadline) {
    const state = readState();
    if (state) {
      console.log(`The local cluster is running. Use it with:\n\nexport KUBECONFIG=${state.kubeconfig}\nexport PATH=${join(repo, 'bin')}:$PATH\nkubectl skupper site status --context west\n\nStop it with: npm run cluster:down`);
      return;
    }
    if (child.exitCode !== null || !isAlive(child.pid!)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  console.error(`error: the local cluster did not start; see ${logFile}`);
  process.exitCode = 1;
}

async function down(): Promise<void> {
  const state = readState();
  if (!state) {
    console.log('The local cluster is not running.');
    return;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && isAlive(state.pid)) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
  rmSync(stateFile, { force: true });
  console.log('The local cluster is stopped and its files are removed.');
}

async function daemon(): Promise<void> {
  const { cluster, stop } = await startWithStandIns((line) => console.log(line));
  const shutdown = () => {
    void stop().finally(() => {
      rmSync(stateFile, { force: true });
      process.exit(0);
    });
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, shutdown);
  writeFileSync(stateFile, JSON.stringify({ pid: process.pid, kubeconfig: cluster.kubeconfig } satisfies State));
  setInterval(() => {}, 1 << 30); // stay alive until told to stop
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const verb = process.argv[2];
  const action = verb === 'up' ? up : verb === 'down' ? down : verb === 'daemon' ? daemon : undefined;
  if (!action) {
    console.error('usage: local-cluster.ts up|down');
    process.exitCode = 2;
  } else {
    await action();
  }
}
