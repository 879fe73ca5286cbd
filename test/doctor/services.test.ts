// doctor's checks of a site's listeners and connectors, on the real API server with the stand-ins:
// a listener with no connector in reach fails, a connector that selects no ready pod fails, matched
// ends pass, and a site without any says so.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Check } from '../../src/doctor/check.js';
import type { DoctorReport } from '../../src/doctor/doctor.js';
import { cluster, stopStandIns } from '../support/cluster.js';
import { plugin } from '../support/plugin.js';
import { backendPod, linkedSites, oneSite, run } from '../service/support.js';

async function doctor(ns: string) {
  const c = await cluster();
  const res = await plugin(['doctor', '-o', 'json', '--kubeconfig', c.kubeconfig, '-n', ns]);
  assert.is(res.stderr, '');
  const report = JSON.parse(res.stdout) as DoctorReport;
  const byId = (id: string): Check => report.checks.find((x) => x.id === id) ?? (assert.unreachable(`no check ${id} in ${report.checks.map((x) => x.id).join(', ')}`) as never);
  return { code: res.code, report, byId };
}

test('a site without listeners or connectors passes the services check', async () => {
  const ns = await oneSite('doc');
  const { byId } = await doctor(ns);
  assert.equal({ ...byId('services') }, { id: 'services', title: 'Services', status: 'pass', detail: 'this site has no listeners or connectors' });
});

test('matched ends pass; a listener with no connector and a connector selecting no ready pod fail, with fixes', async () => {
  const { west, east } = await linkedSites();
  await backendPod(west, 'backend-1', { app: 'backend' });
  await backendPod(west, 'idle-1', { app: 'idle' }, { ready: false });
  assert.is((await run(west, 'connector', 'create', 'backend', '8080', '--wait', 'none')).code, 0);
  assert.is((await run(west, 'connector', 'create', 'idle', '9090', '--wait', 'none')).code, 0);
  assert.is((await run(east, 'listener', 'create', 'orphan', '80', '-r', 'nothing', '--wait', 'configured', '--timeout', '20s')).code, 0);
  const ready = await run(east, 'listener', 'create', 'backend', '8080', '--wait', 'ready', '--timeout', '30s');
  assert.is(ready.code, 0, ready.stderr);
  assert.is((await run(west, 'connector', 'status', 'backend', '--wait', 'ready', '--timeout', '30s')).code, 0);

  const eastReport = await doctor(east);
  assert.is(eastReport.code, 1, 'a failing check fails the doctor');
  assert.is(eastReport.byId('listener/backend').status, 'pass');
  assert.is(eastReport.byId('listener/backend').detail, 'routing key "backend" reaches a connector; clients use backend:8080');
  const orphan = eastReport.byId('listener/orphan');
  assert.is(orphan.status, 'fail');
  assert.match(orphan.detail, /^routing key "nothing" has no connector on any site this site is linked to \(Pending: No matching connectors\)$/);
  assert.match(orphan.fix!, /kubectl skupper connector create nothing <port>/);

  const westReport = await doctor(west);
  assert.is(westReport.byId('connector/backend').status, 'pass');
  assert.is(westReport.byId('connector/backend').detail, 'routing key "backend" (selector app=backend: 1 pod) has a listener');
  const idle = westReport.byId('connector/idle');
  assert.is(idle.status, 'fail');
  assert.is(idle.detail, 'routing key "idle": selector app=idle selects no ready pod, so there is nothing to connect to');
  assert.match(idle.fix!, new RegExp(`^check "kubectl get pods -l app=idle --kubeconfig \\S+ -n ${west}"`));
  // The text form lists them too.
  const c = await cluster();
  const text = await plugin(['doctor', '--kubeconfig', c.kubeconfig, '-n', west]);
  assert.match(text.stdout, /\n✗ Connector idle\s+routing key "idle": selector app=idle selects no ready pod/);
  assert.match(text.stdout, /\n✓ Connector backend\s+/);
});

test.after.each(stopStandIns);

test.run();
