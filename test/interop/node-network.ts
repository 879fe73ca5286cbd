// The "nodes" real routers run on in interop mode: one network namespace per router Pod, joined by
// veth pairs to a bridge the harness makes, on a private /24 that exists only on that bridge and in
// those namespaces (nothing is ever addressed off the machine). The API server listens on loopback
// only, so a TCP relay on the bridge address lets the kube-adaptors reach it. Everything is removed
// when the run stops; names carry the owner's pid so a run killed outright is cleaned up by the next.
// Needs root (ip netns). Test only.
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { isAlive } from '../cluster/harness.js';

const PREFIX = 'ksk';
const tag = process.pid.toString(36);

export interface Node {
  /** The network namespace (`ip netns exec <netns> ...`). */
  netns: string;
  /** Its address on the bridge: the Pod IP and the load-balancer address. */
  address: string;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

function quietly(fn: () => unknown): void {
  try {
    fn();
  } catch {
    // already gone
  }
}

/** Removes the namespaces and bridges of runs whose process is gone. */
export function reapStaleNodes(): void {
  const owner = (name: string) => parseInt(/^ksk([0-9a-z]+)(?:-\d+)?$/.exec(name)?.[1] ?? '', 36);
  for (const line of ip('netns', 'list').split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const pid = owner(name);
    if (pid && !isAlive(pid)) quietly(() => ip('netns', 'del', name));
  }
  for (const line of ip('-o', 'link', 'show', 'type', 'bridge').split('\n')) {
    const name = /^\d+: ([^:@]+)/.exec(line)?.[1] ?? '';
    const pid = owner(name);
    if (pid && !isAlive(pid)) quietly(() => ip('link', 'del', name));
  }
}

export class NodeNetwork {
  readonly bridge = `${PREFIX}${tag}`;
  /** The bridge's own address: where the nodes reach the API server relay and test servers. */
  readonly hostAddress: string;
  private readonly prefix: string;
  private readonly nodes = new Map<string, Node>();
  private next = 2;
  private relay?: Server;
  private readonly relayed = new Set<Socket>();
  private stopped = false;
  private readonly onExit = () => this.stop();

  private constructor(prefix: string) {
    this.prefix = prefix;
    this.hostAddress = `${prefix}.1`;
  }

  /** Makes the bridge on a /24 of 10.0.0.0/8 that no interface or route here uses yet. */
  static create(): NodeNetwork {
    reapStaleNodes();
    const used = ip('-o', 'addr', 'show') + ip('route', 'show', 'table', 'all');
    let prefix = '';
    for (let i = 0; i < 50 && !prefix; i++) {
      const candidate = `10.${randomInt(100, 250)}.${randomInt(0, 256)}`;
      if (!used.includes(`${candidate}.`)) prefix = candidate;
    }
    if (!prefix) throw new Error('no free private /24 for the router nodes');
    const net = new NodeNetwork(prefix);
    process.on('exit', net.onExit);
    ip('link', 'add', net.bridge, 'type', 'bridge');
    ip('addr', 'add', `${net.hostAddress}/24`, 'dev', net.bridge);
    ip('link', 'set', net.bridge, 'up');
    return net;
  }

  /** A relay from the bridge address to a loopback port (the API server); resolves to its port. */
  async relayTo(port: number): Promise<number> {
    this.relay = createServer((socket) => {
      const upstream = createConnection({ host: '127.0.0.1', port });
      for (const s of [socket, upstream]) {
        this.relayed.add(s);
        s.on('close', () => this.relayed.delete(s));
        s.on('error', () => (socket.destroy(), upstream.destroy()));
      }
      socket.pipe(upstream).pipe(socket);
    });
    await new Promise<void>((resolve, reject) => {
      this.relay!.once('error', reject);
      this.relay!.listen(0, this.hostAddress, () => resolve());
    });
    this.relay.unref();
    return (this.relay.address() as { port: number }).port;
  }

  /** A new node: its namespace with loopback up and one interface on the bridge. */
  addNode(): Node {
    if (this.next > 254) throw new Error('no addresses left for router nodes');
    const n = this.next++;
    const netns = `${PREFIX}${tag}-${n}`;
    const hostSide = `${PREFIX}${tag}v${n}`;
    const node = { netns, address: `${this.prefix}.${n}` };
    ip('netns', 'add', netns);
    this.nodes.set(netns, node);
    ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns);
    ip('link', 'set', hostSide, 'master', this.bridge, 'up');
    ip('-n', netns, 'addr', 'add', `${node.address}/24`, 'dev', 'eth0');
    ip('-n', netns, 'link', 'set', 'eth0', 'up');
    ip('-n', netns, 'link', 'set', 'lo', 'up');
    return node;
  }

  /** Removes a node's namespace (its veth pair goes with it). */
  removeNode(node: Node): void {
    if (!this.nodes.delete(node.netns)) return;
    quietly(() => ip('netns', 'del', node.netns));
  }

  /** Removes everything; synchronous, so that it also runs from the exit handler. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    process.off('exit', this.onExit);
    for (const s of this.relayed) s.destroy();
    this.relay?.close();
    for (const node of [...this.nodes.values()]) this.removeNode(node);
    quietly(() => ip('link', 'del', this.bridge));
  }
}
