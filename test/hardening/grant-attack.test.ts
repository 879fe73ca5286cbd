// The grant server under attack, over real HTTPS against a real `kubectl skupper grant-server`
// process: oversized bodies, slow headers, other methods, unknown grants, wrong codes that must
// not tell an existing, used-up or expired grant from an unknown one, TLS below 1.3, and 50
// racing redemptions of a 3-use token. Set GRANT_TIMING=1 to print answer-time figures per case.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { ACCESS_GRANTS, SITES, type AccessToken } from '../../src/kube/resources.js';
import { buildClaims } from '../../src/token/claims.js';
import { signClaims } from '../../src/token/jwt.js';
import { signingKeyFor } from '../../src/token/signing-keys.js';
import { adminClient, stopStandIns } from '../support/cluster.js';
import { grantServer, run, stopGrantServers, twoSites, workDir } from '../token/support.js';

interface Answer {
  status: number;
  body: string;
  ms: number;
}

function post(url: string, ca: string, body: string | Buffer, method = 'POST', headers: Record<string, string> = {}): Promise<Answer> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, minVersion: 'TLSv1.3', agent: false, headers: { name: 'attacker', subject: 'x', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function issue(ns: string, ...args: string[]): Promise<AccessToken> {
  const file = join(workDir(), 't.yaml');
  const res = await run(ns, 'token', 'issue', file, ...args);
  assert.is(res.code, 0, res.stderr);
  return parse(readFileSync(file, 'utf8')) as AccessToken;
}

test('oversized bodies, other methods and slow headers are turned away, and the server keeps serving', async () => {
  const { west } = await twoSites();
  const server = await grantServer(west);
  const token = await issue(west);
  const big = await post(token.spec.url, token.spec.ca, Buffer.alloc(64 * 1024, 'a'));
  assert.is(big.status, 400);
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    const res = await post(token.spec.url, token.spec.ca, '', method);
    assert.is(res.status, 405, method);
  }
  // Slowloris: a TLS connection that sends its headers one byte at a time is closed by the server.
  const port = Number(new URL(server.url).port);
  const closed = await new Promise<boolean>((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: token.spec.ca, minVersion: 'TLSv1.3' }, () => {
      const line = `POST ${new URL(token.spec.url).pathname} HTTP/1.1\r\nHost: x\r\nX-Slow: `;
      let i = 0;
      const drip = setInterval(() => {
        if (socket.destroyed) return;
        socket.write(i < line.length ? line[i++]! : 'a');
      }, 250);
      socket.on('close', () => {
        clearInterval(drip);
        resolve(true);
      });
      // The server's header timeout is 5s; 15s is a generous bound for a loaded machine.
      setTimeout(() => {
        clearInterval(drip);
        socket.destroy();
        resolve(false);
      }, 15_000);
    });
    socket.on('error', () => undefined);
  });
  assert.ok(closed, 'the server closed a connection whose headers never end');
  const ok = await run((await twoSites()).east, 'token', 'redeem', await (async () => {
    const { writeFileSync } = await import('node:fs');
    const { stringify } = await import('yaml');
    const f = join(workDir(), 't.yaml');
    writeFileSync(f, stringify(token));
    return f;
  })());
  assert.is(ok.code, 0, `still serving: ${ok.stderr}`);
});

test('TLS below 1.3 is refused', async () => {
  const { west } = await twoSites();
  const server = await grantServer(west);
  const token = await issue(west);
  const port = Number(new URL(server.url).port);
  const outcome = await new Promise<string>((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: token.spec.ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.2' }, () => {
      resolve(`connected with ${socket.getProtocol()}`);
      socket.destroy();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
  assert.match(outcome, /PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|ALERT/i, outcome);
});

test('a wrong code gets the same answer whether the grant exists, is used up, expired, or is unknown', async () => {
  const { west, east } = await twoSites();
  await grantServer(west);
  const live = await issue(west, '--redemptions-allowed', '5');
  const usedUp = await issue(west);
  const file = join(workDir(), 'u.yaml');
  const { writeFileSync } = await import('node:fs');
  const { stringify } = await import('yaml');
  writeFileSync(file, stringify(usedUp));
  assert.is((await run(east, 'token', 'redeem', file)).code, 0);
  // An expired grant: a code signed two hours ago for 15 minutes, stored in a grant.
  const client = await adminClient(west);
  const site = await client.get(SITES, 'west');
  const name = `west-${randomUUID()}`;
  const claims = buildClaims({ site: { name: 'west', uid: site.metadata.uid! }, grant: name, jti: randomUUID(), now: Date.now() - 7200_000, windowMs: 900_000, redemptionsAllowed: 1, linkCost: 1 });
  await client.create(ACCESS_GRANTS, { apiVersion: 'skupper.io/v2alpha1', kind: 'AccessGrant', metadata: { name }, spec: { code: await signClaims(claims, await signingKeyFor(client, site, claims.exp)) } });
  let expired;
  for (let i = 0; i < 100 && !expired?.status?.url; i++) {
    expired = await client.get(ACCESS_GRANTS, name);
    if (!expired.status?.url) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(expired?.status?.url);
  const base = new URL(live.spec.url).origin;
  const targets: Record<string, string> = { live: live.spec.url, 'used-up': usedUp.spec.url, expired: expired!.status!.url!, unknown: `${base}/${randomUUID()}` };
  const wrong = live.spec.code.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  const answers: Record<string, Answer[]> = {};
  const rounds = Number(process.env.GRANT_TIMING_ROUNDS ?? 40);
  for (let i = 0; i < rounds; i++) {
    for (const [label, url] of Object.entries(targets)) (answers[label] ??= []).push(await post(url, live.spec.ca, wrong));
  }
  const shapes = Object.fromEntries(Object.entries(answers).map(([k, list]) => [k, [...new Set(list.map((a) => `${a.status} ${a.body}`))]]));
  assert.equal(shapes, { live: ['403 Redemption of access token refused\n'], 'used-up': ['403 Redemption of access token refused\n'], expired: ['403 Redemption of access token refused\n'], unknown: ['403 Redemption of access token refused\n'] });
  if (process.env.GRANT_TIMING) {
    for (const [label, list] of Object.entries(answers)) {
      const ms = list.map((a) => a.ms).sort((a, b) => a - b);
      const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(2);
      process.stderr.write(`timing ${label}: n=${ms.length} median=${q(0.5)}ms p10=${q(0.1)}ms p90=${q(0.9)}ms\n`);
    }
  }
  // No use was counted by any of it.
  assert.is((await client.get(ACCESS_GRANTS, live.metadata.name)).status?.redemptions ?? 0, 0); // upstream omits a zero count
});

test('50 concurrent redemptions of a 3-use token: exactly 3 succeed, the rest are told it is used up', async () => {
  const { west } = await twoSites();
  await grantServer(west);
  const token = await issue(west, '--redemptions-allowed', '3');
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => post(token.spec.url, token.spec.ca, token.spec.code, 'POST', { name: `racer-${i}` })));
  const byStatus = answers.reduce<Record<string, number>>((m, a) => ({ ...m, [`${a.status} ${a.status === 200 ? 'ok' : a.body.trim()}`]: (m[`${a.status} ${a.status === 200 ? 'ok' : a.body.trim()}`] ?? 0) + 1 }), {});
  assert.equal(byStatus, { '200 ok': 3, '404 No such access granted': 47 });
  assert.is((await (await adminClient(west)).get(ACCESS_GRANTS, token.metadata.name)).status?.redemptions, 3);
});

test.after.each(async () => {
  await stopGrantServers();
  await stopStandIns();
});

test.run();
