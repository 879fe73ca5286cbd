// A grant server that has just started knows no grant until it has listed them. A redemption that
// arrives in that moment (a restart under load, found by CI) must wait for the list, not be told
// "refused": that answer sends the person back to the issuing site for a token that was good.
import { connect } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GrantServer } from '../../src/grants/server.js';
import type { KubeClient } from '../../src/kube/client.js';
import { ACCESS_GRANTS } from '../../src/kube/resources.js';
import { postCode } from '../../src/token/post.js';
import { adminClient, stopStandIns } from '../support/cluster.js';
import { grantServer, issue, stopGrantServers, twoSites } from '../token/support.js';

/** The client, with its lists of AccessGrants held until `release` is called. */
function holdingGrantLists(client: KubeClient): { client: KubeClient; release: () => void; held: () => number } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = 0;
  const wrapped = new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== 'list' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (type: unknown, ...rest: unknown[]) => {
        if (type === ACCESS_GRANTS) {
          held++;
          await gate;
        }
        return (value as (...a: unknown[]) => unknown).apply(target, [type, ...rest]);
      };
    },
  });
  return { client: wrapped, release, held: () => held };
}

async function accepting(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => resolve(true)).on('error', () => resolve(false));
      s.once('connect', () => s.destroy());
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listened on ${port}`);
}

test('a redemption that arrives before the restarted server has listed its grants waits for the list and is served', async () => {
  const { west } = await twoSites();
  const first = await grantServer(west);
  const { token } = await issue(west, '--redemptions-allowed', '2');
  assert.is(await first.stop('SIGTERM'), 0);
  const port = Number(new URL(first.url).port);

  const { client, release, held } = holdingGrantLists(await adminClient(west));
  const lines: string[] = [];
  const server = new GrantServer({ client, namespaces: [west], homeNamespace: west, listenHost: '127.0.0.1', listenPort: port, log: (l) => lines.push(l) });
  let started = false;
  const starting = server.start().then((url) => ((started = true), url));
  try {
    await accepting(port);
    for (let i = 0; i < 100 && held() === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(held() > 0, 'the server asked for its grants');
    const answer = postCode(token, { name: 'early', subject: 'early' }, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.not.ok(started, 'start() does not return (and the command does not say "listening") before the grants are known');
    release();
    const { status, body } = await answer;
    assert.is(status, 200, `${body}\n${lines.join('\n')}`);
    assert.match(body, /kind: Link/);
    assert.is(await starting, first.url);
    assert.is((await (await adminClient(west)).get(ACCESS_GRANTS, token.metadata.name)).status?.redemptions, 1);
  } finally {
    release();
    await starting.catch(() => undefined);
    await server.stop();
  }
});

test.after.each(async () => {
  await stopGrantServers();
  await stopStandIns();
});

test.run();
