// A request that starts after the command's deadline fails at once, and says so (pure: it never connects).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RequestTimeout, timeoutError, Transport } from '../../src/kube/transport.js';

test('a request begun after the deadline names that, not the credentials', async () => {
  let asked = false;
  const source = { server: 'https://127.0.0.1:1', via: 'test', credentials: async () => ((asked = true), { tls: {}, headers: {} }) };
  const transport = new Transport(source, { deadline: Date.now() - 1, deadlineLabel: '3s (--timeout)' });
  const err = await transport.send({ method: 'GET', path: '/api' }).then(() => undefined, (e: unknown) => e);
  assert.instance(err, RequestTimeout);
  assert.is(asked, false, 'no credentials were asked for');
  const message = timeoutError(err as RequestTimeout, 'list sites', source.server).message;
  assert.match(message, /did not answer list sites within 3s \(--timeout\) \(before the request could start\)/);
  assert.not.match(message, /credentials|exec plugin/);
});

test.run();
