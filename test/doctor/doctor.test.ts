// doctor on the real API server with the stand-ins: it passes on a healthy site and names the
// failing check and its fix on broken ones (no CRDs, site not ready, expired server certificate,
// a skewed clock, no permissions).
import { X509Certificate } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateKey, importSigningKey } from '../../src/certs/keys.js';
import { loadX509, randomSerial } from '../../src/certs/x509.js';
import type { Check } from '../../src/doctor/check.js';
import type { DoctorReport } from '../../src/doctor/doctor.js';
import { DEPLOYMENTS, LINKS, SECRETS, type Deployment } from '../../src/kube/resources.js';
import { adminClient, bareCluster, cluster, freshNamespace, standIn, stopStandIns, configureNow } from '../support/cluster.js';
import { kubeconfigWith } from '../support/kubeconfig.js';
import { plugin } from '../support/plugin.js';

async function doctor(ns: string, args: string[] = [], env: Record<string, string> = {}) {
  const c = await cluster();
  return plugin(['doctor', '--kubeconfig', c.kubeconfig, '-n', ns, ...args], { env });
}

async function report(ns: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number; report: DoctorReport; byId: (id: string) => Check }> {
  const res = await doctor(ns, ['-o', 'json', ...args], env);
  assert.is(res.stderr, '');
  const parsed = JSON.parse(res.stdout) as DoctorReport;
  return { code: res.code, report: parsed, byId: (id) => parsed.checks.find((c) => c.id === id) ?? assert.unreachable(`no check ${id} in ${parsed.checks.map((c) => c.id).join(', ')}`) as never };
}

async function site(prefix: string, args: string[], opts: { running?: boolean } = {}) {
  const c = await cluster();
  const ns = await freshNamespace(prefix);
  await standIn(ns, { running: opts.running });
  const res = await plugin(['site', 'create', prefix, ...args, '--kubeconfig', c.kubeconfig, '-n', ns]);
  assert.is(res.code, 0, res.stderr);
  return ns;
}

/** Two sites, east linked to west and Ready. */
async function linked() {
  const c = await cluster();
  const west = await site('west', ['--enable-link-access']);
  const east = await site('east', []);
  const res = await plugin(['link', 'sites', '--kubeconfig', c.kubeconfig, '--from', `west/${east}`, '--to', `west/${west}`]); // the default 60 s: upstream 2.2 may take 30 s to configure a new link
  assert.is(res.code, 0, res.stderr);
  return { west, east };
}

test('passes on a healthy site: every check passes or is an honest doubt, and exit 0', async () => {
  const { west, east } = await linked();
  const res = await doctor(west);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stdout, new RegExp(`^Site "west" in namespace "${west}":\\n`));
  assert.match(res.stdout, /\n✓ Skupper CRDs\s+skupper\.io\/v2alpha1 Site, Link, AccessGrant, AccessToken are served\n/);
  assert.match(res.stdout, /\n✓ Site ready\s+site "west" is Ready at generation 1\n/);
  assert.match(res.stdout, /\n✓ Endpoint inter-router\s+127\.\d+\.\d+\.\d+:55671 accepts mutual TLS from here/);
  assert.match(res.stdout, /\n✓ Server certificate\s+Secret "skupper-site-server": valid until \d{4}-\d\d-\d\d \(\d+ days left\)\n/);
  assert.match(res.stdout, /\n✓ Clock\s+/);
  assert.match(res.stdout, /\n✓ Permissions: read\s+you may read sites and links in namespace/);
  assert.match(res.stdout, /\n\d+ passed, 0 failed, \d+ doubtful, 0 skipped\n$/);
  const { code, report: r, byId } = await report(east);
  assert.is(code, 0);
  assert.is(r.passed, true);
  assert.is(r.site, 'east');
  assert.is(byId('link/link-west-skupper-router').status, 'pass');
  assert.match(byId('link/link-west-skupper-router').detail, /^Ready to site "west", cost 1$/);
  assert.is(byId('link-access').status, 'skip');
  assert.equal(r.checks.filter((c) => c.status === 'fail'), []);
  // The stand-ins run no Deployment: the doctor says it cannot tell rather than guessing.
  assert.is(byId('controller').status, 'warn');
  assert.match(byId('controller').detail, /^cannot tell/);
});

test('no CRDs: the CRD check fails with the install command, and the rest waits for it', async () => {
  const bare = await bareCluster();
  const res = await plugin(['doctor', '--kubeconfig', bare.kubeconfig, '-n', 'west']);
  assert.is(res.code, 1, res.stderr);
  assert.match(res.stdout, /\n✗ Skupper CRDs\s+the skupper\.io\/v2alpha1 resources are not served: Skupper v2 is not installed in this cluster\n\s+fix: install Skupper v2: kubectl apply -f https:\/\/skupper\.io\/v2\/install\.yaml\n/);
  assert.match(res.stdout, /\n- Site ready\s+needs the Skupper CRDs\n/);
});

test('a site that is not Ready: the site check fails with what to look at', async () => {
  const ns = await site('stuck', ['--wait', 'none'], { running: false });
  const client = await adminClient(ns);
  for (let i = 0; i < 50 && !(await client.list((await import('../../src/kube/resources.js')).SITES)).items[0]?.status?.message; i++) await new Promise((r) => setTimeout(r, 100));
  const { code, byId } = await report(ns);
  assert.is(code, 1);
  const check = byId('site');
  assert.is(check.status, 'fail');
  assert.is(check.detail, 'site "stuck" is not Ready: Not Running');
  assert.match(check.fix!, new RegExp(`kubectl skupper site status --kubeconfig \\S+ -n ${ns}`));
  const none = await freshNamespace('empty');
  const empty = await report(none);
  assert.is(empty.code, 1);
  assert.match(empty.byId('site').fix!, new RegExp(`kubectl skupper site create <name> --kubeconfig \\S+ -n ${none}`));
});

test('a controller Deployment with no available replica: the controller check fails, and its fix keeps the flags given', async () => {
  const ns = await freshNamespace('nocontroller');
  await (await adminClient(ns)).create(DEPLOYMENTS, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'skupper-controller' },
    spec: { replicas: 0, selector: { matchLabels: { app: 'skupper-controller' } }, template: { metadata: { labels: { app: 'skupper-controller' } }, spec: { containers: [{ name: 'controller', image: 'example.invalid/controller' }] } } },
  } as Deployment);
  const c = await cluster();
  const { byId } = await report(ns, ['--context', 'west']);
  const check = byId('controller');
  assert.is(check.status, 'fail');
  assert.is(check.detail, `Deployment ${ns}/skupper-controller has no available replica`);
  assert.is(check.fix, `see why with "kubectl describe deployment skupper-controller --kubeconfig ${c.kubeconfig} --context west -n ${ns}" and its Pods' logs`);
});

/** A certificate signed by `ca` whose validity ended ten days ago. */
async function expiredCertificate(ca: { cert: string; key: string }): Promise<{ cert: string; key: string }> {
  const x509 = await loadX509();
  const [key, signer] = await Promise.all([generateKey('ecdsa'), importSigningKey(ca.key)]);
  const day = 86_400_000;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=skupper-router',
    issuer: new x509.X509Certificate(ca.cert).subjectName,
    notBefore: new Date(Date.now() - 400 * day),
    notAfter: new Date(Date.now() - 10 * day),
    publicKey: key.spki,
    signingKey: signer.key,
    signingAlgorithm: signer.signingAlgorithm,
  });
  return { cert: cert.toString('pem'), key: key.privateKeyPem };
}

test('an expired server certificate: named, with its date and the fix', async () => {
  const ns = await site('expired', ['--enable-link-access']);
  const client = await adminClient(ns);
  const caSecret = await client.get(SECRETS, 'skupper-site-ca');
  const d = (k: string) => Buffer.from(caSecret.data![k]!, 'base64').toString();
  const expired = await expiredCertificate({ cert: d('tls.crt'), key: d('tls.key') });
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  // A server certificate someone put in place by hand (so no longer the controller's: no owner,
  // no controlled annotation) and then let expire. The controller would replace its own.
  await client.patch(SECRETS, 'skupper-site-server', {
    metadata: { ownerReferences: null, annotations: { 'internal.skupper.io/controlled': null } },
    data: { 'tls.crt': b64(expired.cert), 'tls.key': b64(expired.key) },
  });
  const res = await doctor(ns);
  assert.is(res.code, 1);
  const until = new X509Certificate(expired.cert).validToDate.toISOString().slice(0, 10);
  assert.match(res.stdout, new RegExp(`\\n✗ Server certificate\\s+Secret "skupper-site-server": expired on ${until}\\n\\s+fix: the Skupper controller issues a new one when the Secret is gone: "kubectl delete secret skupper-site-server --kubeconfig \\S+ -n ${ns}"\\n`));
  assert.match(res.stdout, /\n✓ Site CA\s+/);
});

test('a clock skewed by an injected offset fails the clock check, and only it', async () => {
  const ns = await site('skew', []);
  const { code, report: r, byId } = await report(ns, [], { KUBECTL_SKUPPER_TEST_CLOCK_OFFSET: '3600' });
  assert.is(code, 1);
  assert.equal(r.checks.filter((c) => c.status === 'fail').map((c) => c.id), ['clock']);
  assert.match(byId('clock').detail, /^this machine's clock is 360\ds ahead of the API server's/);
  assert.match(byId('clock').fix!, /synchronise this machine's clock/);
  const behind = await report(ns, [], { KUBECTL_SKUPPER_TEST_CLOCK_OFFSET: '-120' });
  assert.match(behind.byId('clock').detail, /behind the API server's/);
  const fine = await report(ns, [], { KUBECTL_SKUPPER_TEST_CLOCK_OFFSET: '5' });
  assert.is(fine.byId('clock').status, 'pass');
  assert.is(fine.code, 0);
});

test('a broken link fails with the link check diagnosis; a user without permissions is told which', async () => {
  const { east } = await linked();
  const client = await adminClient(east);
  const link = await client.get(LINKS, 'link-west-skupper-router');
  await client.create(LINKS, { apiVersion: link.apiVersion, kind: 'Link', metadata: { name: 'nowhere' }, spec: { ...link.spec, endpoints: [{ name: 'inter-router', host: '127.0.0.1', port: '1', group: 'skupper-router' }] } });
  await configureNow(east, 'nowhere'); // 2.2 configures a Link that never connects only at its resync or when touched
  for (let i = 0; i < 50 && !(await client.get(LINKS, 'nowhere')).status?.status; i++) await new Promise((r) => setTimeout(r, 100));
  const { code, byId } = await report(east);
  assert.is(code, 1);
  assert.match(byId('link/nowhere').detail, /^Pending: Not Operational; link check: inter-router \(127\.0\.0\.1:1\): TCP: connection refused$/);
  assert.match(byId('link/nowhere').fix!, new RegExp(`kubectl skupper link check nowhere --kubeconfig \\S+ -n ${east}`));
  assert.is(byId('link/link-west-skupper-router').status, 'pass');
  const c = await cluster();
  const nobody = await plugin(['doctor', '--kubeconfig', c.kubeconfig, '--context', 'nobody', '-n', east, '-o', 'json']);
  assert.is(nobody.code, 1);
  const r = JSON.parse(nobody.stdout) as DoctorReport;
  const read = r.checks.find((x) => x.id === 'permissions/read')!;
  assert.is(read.status, 'fail');
  assert.match(read.detail, /^you may not read sites and links in namespace ".*": missing get sites\.skupper\.io, list sites\.skupper\.io/);
  assert.match(r.checks.find((x) => x.id === 'crds')!.detail, /^cannot tell: you are not allowed/);
});

test('an API server that does not answer is one line and exit 1, not a list of failures', async () => {
  const kubeconfig = await kubeconfigWith([{ name: 'down', namespace: 'default', cluster: 'down' }]);
  const res = await plugin(['doctor', '--kubeconfig', kubeconfig, '--context', 'down', '--timeout', '3s']);
  assert.is(res.code, 1);
  assert.is(res.stdout, '');
  assert.match(res.stderr, /^error: cannot reach the API server at https:\/\/127\.0\.0\.1:\d+: connection refused[^\n]*\n$/);
});

test.after.each(stopStandIns);

test.run();
