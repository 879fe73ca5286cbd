// The site's token-signing keys on the real API server: made on first use, reused, rotated after
// their signing period, and kept verifiable until every token they signed has expired.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SECRETS, SITES } from '../../src/kube/resources.js';
import { publicKeys, signingKeyFor, SIGNING_KEYS_SECRET } from '../../src/token/signing-keys.js';
import { adminClient, freshNamespace, standIn, stopStandIns } from '../support/cluster.js';
import { run } from './support.js';

const DAY = 86400_000;

test('made on first use, reused, rotated after 30 days, old keys kept until their tokens expire', async () => {
  const ns = await freshNamespace('keys');
  await standIn(ns);
  assert.is((await run(ns, 'site', 'create', 'west', '--enable-link-access')).code, 0);
  const client = await adminClient(ns);
  const site = await client.get(SITES, 'west');
  const t0 = Date.now();
  const first = await signingKeyFor(client, site, Math.floor((t0 + 40 * DAY) / 1000), t0);
  const secret = await client.get(SECRETS, SIGNING_KEYS_SECRET);
  assert.is(secret.metadata.ownerReferences?.[0]?.uid, site.metadata.uid);
  assert.equal([...publicKeys(secret).keys()], [first.kid]);
  assert.not.ok('d' in publicKeys(secret).get(first.kid)!);
  const again = await signingKeyFor(client, site, Math.floor((t0 + 60_000) / 1000), t0 + 1000);
  assert.is(again.kid, first.kid);
  const rotated = await signingKeyFor(client, site, Math.floor((t0 + 31 * DAY + 60_000) / 1000), t0 + 31 * DAY);
  assert.is.not(rotated.kid, first.kid);
  assert.equal([...publicKeys(await client.get(SECRETS, SIGNING_KEYS_SECRET)).keys()], [first.kid, rotated.kid], 'the old key still verifies its 40-day token');
  await signingKeyFor(client, site, Math.floor((t0 + 42 * DAY + 60_000) / 1000), t0 + 42 * DAY);
  assert.equal([...publicKeys(await client.get(SECRETS, SIGNING_KEYS_SECRET)).keys()], [rotated.kid], 'dropped once its tokens expired');
  // Two issuers at once on a new site: one key set, nobody's key lost.
  const ns2 = await freshNamespace('keys');
  await standIn(ns2);
  assert.is((await run(ns2, 'site', 'create', 'east', '--enable-link-access')).code, 0);
  const c2 = await adminClient(ns2);
  const east = await c2.get(SITES, 'east');
  const kids = await Promise.all(Array.from({ length: 5 }, () => signingKeyFor(c2, east, Math.floor(Date.now() / 1000) + 900).then((k) => k.kid)));
  const stored = [...publicKeys(await c2.get(SECRETS, SIGNING_KEYS_SECRET)).keys()];
  for (const kid of kids) assert.ok(stored.includes(kid), `${kid} is in the set`);
});

test.after.each(stopStandIns);

test.run();
