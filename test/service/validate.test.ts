// The pure checks of listener and connector input, and the manifests create and generate make.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SkupperError } from '../../src/errors.js';
import { connectorManifest, listenerManifest } from '../../src/service/manifests.js';
import { checkListenerHost, checkRoutingKey, checkSelector, connectorTarget, parsePort, parseWorkload } from '../../src/service/validate.js';
import { selectorText } from '../../src/service/workload.js';

function refused(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, SkupperError);
    assert.is((err as SkupperError).code, 'USAGE');
    assert.match((err as Error).message, message);
    assert.not.match((err as Error).message, /\n/);
    return;
  }
  assert.unreachable('accepted');
}

test('ports are whole numbers from 1 to 65535, as typed', () => {
  assert.is(parsePort('1'), 1);
  assert.is(parsePort('65535'), 65535);
  for (const bad of ['0', '65536', '-1', '1e3', '0x50', '80.0', ' 80', '', '123456']) refused(() => parsePort(bad), /invalid port/);
});

test('a listener host is a DNS-1035 label of at most 63 characters', () => {
  assert.is(checkListenerHost('a'.repeat(63)), 'a'.repeat(63));
  assert.is(checkListenerHost('backend-v2'), 'backend-v2');
  for (const bad of ['a'.repeat(64), '1backend', 'Backend', 'back.end', 'back_end', '-a', 'a-', '']) refused(() => checkListenerHost(bad), /invalid --host/);
});

test('routing keys: lowercase letters and digits with single - or . between', () => {
  for (const good of ['backend', 'backend.v2', 'a-b.c-1', '8080']) assert.is(checkRoutingKey(good), good);
  for (const bad of ['Backend', 'a..b', 'a-', '.a', 'a b', 'a/b', '', 'a_b']) refused(() => checkRoutingKey(bad), /invalid --routing-key/);
});

test('selectors: kubectl\'s syntax, normalised; anything else is refused naming the part', () => {
  assert.is(checkSelector('app=backend'), 'app=backend');
  assert.is(checkSelector(' app = backend , tier!=db '), 'app=backend,tier!=db');
  assert.is(checkSelector('env in (prod, staging),!canary,example.com/team'), 'env in (prod,staging),!canary,example.com/team');
  assert.is(checkSelector('app=='), 'app==');
  refused(() => checkSelector('app=a=b'), /"app=a=b" is not a label requirement/);
  refused(() => checkSelector('app in prod'), /"app in prod" is not a label requirement/);
  refused(() => checkSelector('-app=x'), /is not a label requirement/);
  refused(() => checkSelector('app=x,'), /"" is not a label requirement/);
  refused(() => checkSelector(`app=${'x'.repeat(64)}`), /is not a label requirement/);
});

test('workloads: kind/name with kubectl\'s forms; exactly one connector target; app=<name> by default', () => {
  assert.equal(parseWorkload('deploy/api'), { kind: 'deployment', name: 'api' });
  assert.equal(parseWorkload('StatefulSet/db'), { kind: 'statefulset', name: 'db' });
  assert.equal(parseWorkload('svc/web'), { kind: 'service', name: 'web' });
  refused(() => parseWorkload('pod/api'), /invalid --workload "pod\/api"/);
  refused(() => parseWorkload('deployment/'), /invalid --workload/);
  refused(() => parseWorkload('deployment/API'), /"API" is not a valid deployment name/);
  assert.equal(connectorTarget('web', {}), { selector: 'app=web' });
  assert.equal(connectorTarget('web', { host: '10.0.0.1' }), { host: '10.0.0.1' });
  refused(() => connectorTarget('web', { host: 'h', workload: 'deployment/x' }), /--host and --workload cannot be used together/);
  refused(() => connectorTarget('web', { host: 'http://h' }), /invalid --host "http:\/\/h"/);
});

test('a workload\'s selector as text: matchLabels sorted, then matchExpressions', () => {
  assert.is(selectorText({ matchLabels: { tier: 'web', app: 'api' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }, { key: 'canary', operator: 'DoesNotExist' }] }), 'app=api,tier=web,env in (dev,prod),!canary');
  assert.is(selectorText(undefined), '');
});

test('manifests: defaults from the name; one of host and selector', () => {
  assert.equal(listenerManifest({ name: 'web', port: 80 }).spec, { routingKey: 'web', host: 'web', port: 80, type: 'tcp' });
  assert.equal(connectorManifest({ name: 'web', port: 80, host: 'h', tlsCredentials: 's' }).spec, { routingKey: 'web', port: 80, host: 'h', tlsCredentials: 's', type: 'tcp' });
  assert.equal(connectorManifest({ name: 'web', port: 80 }).spec.selector, 'app=web');
});

test.run();
