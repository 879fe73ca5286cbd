// The catalogue of hostile and broken inputs, one test per case, against the real API server, a
// real grant server process and, for the lying grant server, a hostile HTTPS server written here.
// Each case asserts only what is stable: the exit code (2 = input/usage, 1 = failed operation),
// nothing on stdout, one line on stderr naming the problem, and that nothing changed in either
// site's namespace (Sites, Links, Secrets, AccessGrants, AccessTokens) or in the working folder.
import { createSign, generateKeyPairSync, createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import { createCA, issueCertificate } from '../../src/certs/index.js';
import { SITES, type AccessToken } from '../../src/kube/resources.js';
import { buildClaims } from '../../src/token/claims.js';
import { signClaims } from '../../src/token/jwt.js';
import { signingKeyFor } from '../../src/token/signing-keys.js';
import { adminClient, cluster } from '../support/cluster.js';
import { plugin, type PluginResult } from '../support/plugin.js';
import { grantServer, twoSites, workDir } from '../token/support.js';
import { assertRefusal, clusterSnapshot, dirSnapshot } from './support.js';

interface World {
  west: string;
  east: string;
  dir: string;
  kubeconfig: string;
  /** A genuine token (3 uses) of west's grant server. */
  token: AccessToken;
  /** A genuine token already used up. */
  usedUp: string;
  hostile: { url: string; ca: string };
  otherCa: string;
  sign: (over: Partial<Parameters<typeof buildClaims>[0]>, header?: Record<string, unknown>) => Promise<string>;
}

let world: World | undefined;
const servers: Server[] = [];

const b64 = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');

/** The lying grant server: each path answers in its own wrong way. */
async function hostileServer(realUrl: string): Promise<{ url: string; ca: string }> {
  const ca = await createCA('hostile CA', { keyType: 'ecdsa' });
  const cert = await issueCertificate(ca, { commonName: '127.0.0.1', hosts: ['127.0.0.1'], server: true, keyType: 'ecdsa' });
  const link = (extra: Record<string, unknown> = {}) => ({ apiVersion: 'skupper.io/v2alpha1', kind: 'Link', metadata: { name: 'lie', ...extra }, spec: { tlsCredentials: 'lie', endpoints: [{ name: 'inter-router', host: '127.0.0.1', port: '55671' }] } });
  const secret = (type = 'kubernetes.io/tls', extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Secret', type, metadata: { name: 'lie', ...extra }, data: { 'ca.crt': 'eA==', 'tls.crt': 'eA==', 'tls.key': 'eA==' } });
  const docs = (...objects: unknown[]) => objects.map((o) => `---\n${stringify(o)}`).join('');
  const server = createServer({ cert: cert.cert, key: cert.key, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' }, (req, res) => {
    req.resume();
    const path = (req.url ?? '').split('/')[1];
    const yaml = (body: string) => res.writeHead(200, { 'content-type': 'application/yaml' }).end(body);
    switch (path) {
      case 'redirect':
        return res.writeHead(307, { location: realUrl }).end();
      case 'huge': {
        res.writeHead(200);
        const chunk = Buffer.alloc(1024 * 1024, 'a');
        let sent = 0;
        const more = () => {
          while (sent < 100 && !res.destroyed) {
            sent++;
            if (!res.write(chunk)) return res.once('drain', more);
          }
          res.end();
        };
        return more();
      }
      case 'role':
        return yaml(docs(secret(), { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'lie' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] }));
      case 'opaque-secret':
        return yaml(docs(secret('Opaque'), link()));
      case 'link-elsewhere':
        return yaml(docs(secret(), link({ namespace: 'kube-system' })));
      case 'secret-elsewhere':
        return yaml(docs(secret('kubernetes.io/tls', { namespace: 'kube-system' }), link()));
      case 'two-secrets':
        return yaml(docs(secret(), secret(), link()));
      case 'no-link':
        return yaml(docs(secret()));
      case 'silent':
        return; // never answers
      case 'error':
        return res.writeHead(500).end('boom\nsecond line');
      case 'tls12':
        return yaml(docs(secret(), link()));
      default:
        return res.writeHead(404).end('No such claim');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  // A second listener that speaks only TLS 1.2.
  const old = createServer({ cert: cert.cert, key: cert.key, maxVersion: 'TLSv1.2' }, (_req, res) => res.end('x'));
  await new Promise<void>((r) => old.listen(0, '127.0.0.1', r));
  servers.push(old);
  tls12Port = (old.address() as AddressInfo).port;
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, ca: ca.cert };
}
let tls12Port = 0;

async function setUp(): Promise<World> {
  if (world) return world;
  const c = await cluster();
  const { west, east } = await twoSites();
  const gs = await grantServer(west);
  const dir = workDir();
  const issue = async (...args: string[]) => {
    const file = join(workDir(), 'token.yaml');
    const res = await plugin(['token', 'issue', file, ...args, '--kubeconfig', c.kubeconfig, '-n', west]);
    assert.is(res.code, 0, res.stderr);
    return file;
  };
  const token = parse(readFileSync(await issue('--redemptions-allowed', '3'), 'utf8')) as AccessToken;
  const usedUp = await issue();
  const redeemed = await plugin(['token', 'redeem', usedUp, '--kubeconfig', c.kubeconfig, '-n', east]);
  assert.is(redeemed.code, 0, redeemed.stderr);
  // Settled, so that the stand-in's status updates do not show up as changes in the snapshots.
  const ready = await plugin(['link', 'status', '--wait', 'ready', '--timeout', '30s', '--kubeconfig', c.kubeconfig, '-n', east]);
  assert.is(ready.code, 0, ready.stderr);
  const client = await adminClient(west);
  const site = await client.get(SITES, 'west');
  const key = await signingKeyFor(client, site, Math.floor(Date.now() / 1000) + 3600);
  const sign = async (over: Partial<Parameters<typeof buildClaims>[0]>, header?: Record<string, unknown>) => {
    const claims = buildClaims({ site: { name: 'west', uid: site.metadata.uid! }, grant: token.metadata.name, jti: randomUUID(), now: Date.now(), windowMs: 600_000, redemptionsAllowed: 3, linkCost: 1, ...over });
    const code = await signClaims(claims, key);
    if (!header) return code;
    // Re-sign with the same key under another header: only the header differs.
    const [, payload] = code.split('.');
    const h = b64({ alg: 'ES256', kid: key.kid, typ: 'JWT', ...header });
    const { createPrivateKey } = await import('node:crypto');
    const pk = createPrivateKey({ key: { kty: 'EC', crv: 'P-256', x: key.x, y: key.y, d: key.d }, format: 'jwk' });
    const sig = createSign('SHA256').update(`${h}.${payload}`).sign({ key: pk, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    return `${h}.${payload}.${sig}`;
  };
  const otherCa = (await createCA('another CA', { keyType: 'ecdsa' })).cert;
  world = { west, east, dir, kubeconfig: c.kubeconfig, token, usedUp, hostile: await hostileServer(`${gs.url}${new URL(token.spec.url).pathname}`), otherCa, sign };
  return world;
}

/** Writes a file into the world's folder (before the snapshot) and returns its path. */
function file(w: World, name: string, content: string | Buffer): string {
  const path = join(w.dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

const tokenYaml = (t: AccessToken) => stringify(t);
const withSpec = (w: World, spec: Partial<AccessToken['spec']> & Record<string, unknown>) => tokenYaml({ ...w.token, spec: { ...w.token.spec, ...spec } as AccessToken['spec'] });

interface Case {
  name: string;
  /** Prepares files (before the snapshots) and returns the plugin's arguments. */
  args: (w: World) => Promise<string[]> | string[];
  code: 1 | 2;
  /** What the one line must name. */
  names: RegExp;
  /** Namespace the command runs in (default east, where tokens are redeemed). */
  ns?: 'west' | 'east';
  /** Connection flags are not added (the case brings its own kubeconfig). */
  ownKubeconfig?: boolean;
}

const redeem = (path: string, ...more: string[]) => ['token', 'redeem', path, '--timeout', '5s', ...more];
const redeemText = (name: string, content: (w: World) => string | Buffer, ...more: string[]) => async (w: World) => redeem(file(w, name, content(w)), ...more);
const redeemCode = (name: string, code: (w: World) => Promise<string> | string) => async (w: World) => redeem(file(w, name, withSpec(w, { code: await code(w) })));
const tampered = (w: World, part: 0 | 1 | 2, change: (s: string) => string) => w.token.spec.code.split('.').map((p, i) => (i === part ? change(p) : p)).join('.');
const hostileToken = (name: string, path: string, more: Partial<AccessToken['spec']> = {}) => redeemText(name, (w) => withSpec(w, { url: `${w.hostile.url}/${path}`, ca: w.hostile.ca, ...more }), '--name', 'lie');

const TOKEN = /token|spec|file/i;
const REFUSED = /refus|not (valid|usable)|changed|another grant/i;

const cases: Case[] = [
  // Token files.
  { name: 'token file: empty', args: redeemText('empty.yaml', () => ''), code: 2, names: /empty\.yaml.*empty/ },
  { name: 'token file: only comments', args: redeemText('comments.yaml', () => '# nothing\n'), code: 2, names: /comments\.yaml.*empty/ },
  { name: 'token file: binary', args: redeemText('binary.yaml', () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))), code: 2, names: /binary\.yaml/ },
  { name: 'token file: 10 MB', args: redeemText('big.yaml', () => Buffer.alloc(10 * 1024 * 1024, 'a')), code: 2, names: /big\.yaml.*bytes/ },
  { name: 'token file: YAML alias bomb', args: redeemText('bomb.yaml', () => `a: &a ["x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`).join('\n')}\n`), code: 2, names: /bomb\.yaml/ },
  { name: 'token file: alias to a genuine spec', args: redeemText('alias.yaml', (w) => `x: &s\n${stringify(w.token.spec).replace(/^/gm, '  ')}\napiVersion: skupper.io/v2alpha1\nkind: AccessToken\nmetadata: {name: a}\nspec: *s\n`), code: 2, names: /alias\.yaml/ },
  { name: 'token file: duplicate keys', args: redeemText('dup.yaml', (w) => `${tokenYaml(w.token)}kind: AccessToken\n`), code: 2, names: /dup\.yaml/ },
  { name: 'token file: several documents', args: redeemText('multi.yaml', (w) => `${tokenYaml(w.token)}---\n${tokenYaml(w.token)}`), code: 2, names: /multi\.yaml.*several/ },
  { name: 'token file: a YAML list', args: redeemText('list.yaml', () => '- a\n- b\n'), code: 2, names: /list\.yaml/ },
  { name: 'token file: wrong kind', args: redeemText('kind.yaml', (w) => tokenYaml({ ...w.token, kind: 'AccessGrant' as 'AccessToken' })), code: 2, names: /kind/ },
  { name: 'token file: wrong apiVersion', args: redeemText('api.yaml', (w) => tokenYaml({ ...w.token, apiVersion: 'skupper.io/v1alpha1' })), code: 2, names: /apiVersion/ },
  { name: 'token file: no spec', args: redeemText('nospec.yaml', (w) => stringify({ ...w.token, spec: undefined })), code: 2, names: /spec/ },
  { name: 'token file: spec.url missing', args: redeemText('nourl.yaml', (w) => withSpec(w, { url: undefined })), code: 2, names: /spec\.url/ },
  { name: 'token file: spec.code missing', args: redeemText('nocode.yaml', (w) => withSpec(w, { code: undefined })), code: 2, names: /spec\.code/ },
  { name: 'token file: spec.ca missing', args: redeemText('noca.yaml', (w) => withSpec(w, { ca: undefined })), code: 2, names: /spec\.ca/ },
  { name: 'token file: metadata.name missing', args: redeemText('noname.yaml', (w) => stringify({ ...w.token, metadata: {} })), code: 2, names: /metadata\.name/ },
  { name: 'token file: metadata.name not DNS-1123', args: redeemText('badname.yaml', (w) => stringify({ ...w.token, metadata: { name: '../Etc_Passwd' } })), code: 2, names: /metadata\.name/ },
  { name: 'token file: an extra spec field', args: redeemText('extra.yaml', (w) => withSpec(w, { redirect: 'https://evil' })), code: 2, names: /spec\.redirect/ },
  { name: 'token file: spec.linkCost negative', args: redeemText('cost.yaml', (w) => withSpec(w, { linkCost: -4 })), code: 2, names: /linkCost/ },
  { name: 'token file: http URL', args: redeemText('http.yaml', (w) => withSpec(w, { url: w.token.spec.url.replace('https:', 'http:') })), code: 2, names: /spec\.url.*https/ },
  { name: 'token file: URL with userinfo', args: redeemText('userinfo.yaml', (w) => withSpec(w, { url: w.token.spec.url.replace('https://', 'https://admin:secret@') })), code: 2, names: /spec\.url.*(user|password)/ },
  { name: 'token file: URL not a URL', args: redeemText('noturl.yaml', (w) => withSpec(w, { url: 'not a url' })), code: 2, names: /spec\.url/ },
  { name: 'token file: CA not PEM', args: redeemText('capem.yaml', (w) => withSpec(w, { ca: 'MIIB-not-pem' })), code: 2, names: /spec\.ca/ },
  { name: 'token file: CA PEM armour around garbage', args: redeemText('cagarbage.yaml', (w) => withSpec(w, { ca: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' })), code: 2, names: /spec\.ca/ },
  { name: 'token file: CA with several certificates', args: redeemText('ca2.yaml', (w) => withSpec(w, { ca: `${w.token.spec.ca}${w.otherCa}` })), code: 2, names: /spec\.ca.*2 certificates/ },
  { name: 'token file: code with dots but not a JWT', args: redeemText('dots.yaml', (w) => withSpec(w, { code: 'a.b.c.d' })), code: 2, names: /spec\.code/ },
  { name: 'token file: code a JWT whose parts are not JSON', args: redeemText('notjson.yaml', (w) => withSpec(w, { code: 'aGVsbG8.d29ybGQ.c2ln' })), code: 2, names: /spec\.code/ },
  { name: 'token file: does not exist', args: (w) => redeem(join(w.dir, 'missing.yaml')), code: 2, names: /missing\.yaml.*does not exist/ },
  { name: 'token file: a folder', args: (w) => { mkdirSync(join(w.dir, 'folder.yaml')); return redeem(join(w.dir, 'folder.yaml')); }, code: 2, names: /folder\.yaml.*folder/ },
  // Token codes the grant server must refuse: nothing is created, no use is counted.
  { name: 'code: header altered (kid)', args: redeemCode('h.yaml', (w) => tampered(w, 0, () => b64({ alg: 'ES256', kid: 'x', typ: 'JWT' }))), code: 1, names: REFUSED },
  { name: 'code: payload altered (uses 99)', args: redeemCode('p.yaml', (w) => tampered(w, 1, (p) => b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), redemptionsAllowed: 99 }))), code: 1, names: REFUSED },
  { name: 'code: signature altered', args: redeemCode('s.yaml', (w) => tampered(w, 2, (s) => `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`)), code: 1, names: REFUSED },
  { name: 'code: signature of another spelling (spare bits of the last character)', args: redeemCode('s2.yaml', (w) => tampered(w, 2, (s) => `${s.slice(0, -1)}${B64[(B64.indexOf(s.at(-1)!) ^ 1)]}`)), code: 1, names: REFUSED },
  { name: 'code: alg none (no signature: refused on reading)', args: redeemCode('none.yaml', (w) => `${b64({ alg: 'none', typ: 'JWT' })}.${w.token.spec.code.split('.')[1]}.`), code: 2, names: /spec\.code/ },
  { name: 'code: alg none with a signature part', args: redeemCode('none2.yaml', (w) => `${b64({ alg: 'none', typ: 'JWT' })}.${w.token.spec.code.split('.')[1]}.${w.token.spec.code.split('.')[2]}`), code: 1, names: REFUSED },
  { name: 'code: HS256 signed with the public key', args: redeemCode('hs.yaml', async (w) => hs256WithPublicKey(w)), code: 1, names: REFUSED },
  { name: 'code: kid of another site\'s key', args: redeemCode('kid.yaml', (w) => otherSiteCode(w)), code: 1, names: REFUSED },
  { name: 'code: kid is a path', args: redeemCode('kidpath.yaml', (w) => w.sign({}, { kid: '../../../../etc/passwd' })), code: 1, names: REFUSED },
  { name: 'code: crit header', args: redeemCode('crit.yaml', (w) => w.sign({}, { crit: ['exp'], exp: 1 })), code: 1, names: REFUSED },
  { name: 'code: jku header pointing elsewhere', args: redeemCode('jku.yaml', (w) => w.sign({}, { jku: 'https://evil.example/keys' })), code: 1, names: REFUSED },
  { name: 'code: expired', args: redeemCode('exp.yaml', (w) => w.sign({ now: Date.now() - 7200_000 })), code: 1, names: /expired/ },
  { name: 'code: not yet valid', args: redeemCode('nbf.yaml', async (w) => signed(w, (c) => ({ ...c, nbf: (c.nbf as number) + 3600, exp: (c.exp as number) + 3600 }))), code: 1, names: REFUSED },
  { name: 'code: wrong audience', args: redeemCode('aud.yaml', async (w) => signed(w, (c) => ({ ...c, aud: 'kubernetes' }))), code: 1, names: REFUSED },
  { name: 'code: another grant (sub)', args: redeemCode('sub.yaml', (w) => w.sign({ grant: 'west-other' })), code: 1, names: REFUSED },
  { name: 'code: opaque random word', args: redeemCode('opaque.yaml', () => 'q7Xn2pL9vR4tY8wZ'), code: 1, names: REFUSED },
  { name: 'token: replayed after it was used up', args: (w) => redeem(w.usedUp, '--name', 'replay'), code: 1, names: /used up/ },
  { name: 'token: URL of an unknown grant', args: redeemText('unknown.yaml', (w) => withSpec(w, { url: `${new URL(w.token.spec.url).origin}/${randomUUID()}` })), code: 1, names: /refus|does not know/ },
  // A grant server that lies.
  { name: 'grant server: redirects', args: hostileToken('redirect.yaml', 'redirect'), code: 1, names: /127\.0\.0\.1.*(refus|HTTP 307)/ },
  { name: 'grant server: certificate from another CA', args: redeemText('otherca.yaml', (w) => withSpec(w, { url: `${w.hostile.url}/role`, ca: w.token.spec.ca }), '--name', 'lie'), code: 1, names: /certificate/ },
  { name: 'grant server: 100 MB answer', args: hostileToken('huge.yaml', 'huge'), code: 1, names: /more than \d+ bytes/ },
  { name: 'grant server: a Role besides the Secret', args: hostileToken('role.yaml', 'role'), code: 1, names: /Role/ },
  { name: 'grant server: a Secret of another type', args: hostileToken('opaque-secret.yaml', 'opaque-secret'), code: 1, names: /Opaque/ },
  { name: 'grant server: a Link in another namespace', args: hostileToken('elsewhere.yaml', 'link-elsewhere'), code: 1, names: /kube-system/ },
  { name: 'grant server: a Secret in another namespace', args: hostileToken('secret-elsewhere.yaml', 'secret-elsewhere'), code: 1, names: /kube-system/ },
  { name: 'grant server: two Secrets', args: hostileToken('two.yaml', 'two-secrets'), code: 1, names: /Secret/ },
  { name: 'grant server: a Secret but no Link', args: hostileToken('nolink.yaml', 'no-link'), code: 1, names: /no Link/ },
  { name: 'grant server: never answers', args: (w) => ['token', 'redeem', file(w, 'silent.yaml', withSpec(w, { url: `${w.hostile.url}/silent`, ca: w.hostile.ca })), '--timeout', '2s', '--name', 'lie'], code: 1, names: /did not answer/ },
  { name: 'grant server: HTTP 500 with two lines', args: hostileToken('error.yaml', 'error'), code: 1, names: /HTTP 500/ },
  { name: 'grant server: TLS 1.2 only', args: redeemText('tls12.yaml', (w) => withSpec(w, { url: `https://127.0.0.1:${tls12Port}/x`, ca: w.hostile.ca }), '--name', 'lie'), code: 1, names: /TLS 1\.3/ },
  { name: 'grant server: nothing listening', args: redeemText('closed.yaml', (w) => withSpec(w, { url: 'https://127.0.0.1:1/x' })), code: 1, names: /127\.0\.0\.1:1.*refused/ },
  // Flags.
  { name: 'flag: --redemptions-allowed 0', args: (w) => ['token', 'issue', join(w.dir, 'n.yaml'), '--redemptions-allowed', '0'], ns: 'west', code: 2, names: /--redemptions-allowed/ },
  { name: 'flag: --redemptions-allowed -1', args: (w) => ['token', 'issue', join(w.dir, 'n.yaml'), '--redemptions-allowed=-1'], ns: 'west', code: 2, names: /--redemptions-allowed/ },
  { name: 'flag: --redemptions-allowed absurd', args: (w) => ['token', 'issue', join(w.dir, 'n.yaml'), '--redemptions-allowed', '99999999999999999999'], ns: 'west', code: 2, names: /--redemptions-allowed/ },
  { name: 'flag: --redemptions-allowed above 32 bits', args: (w) => ['token', 'issue', join(w.dir, 'n.yaml'), '--redemptions-allowed', '4294967296'], ns: 'west', code: 2, names: /--redemptions-allowed/ },
  { name: 'flag: --redemptions-allowed 1.5', args: (w) => ['token', 'issue', join(w.dir, 'n.yaml'), '--redemptions-allowed', '1.5'], ns: 'west', code: 2, names: /--redemptions-allowed/ },
  { name: 'flag: --expiration-window not a duration', args: (w) => ['token', 'issue', join(w.dir, 'n.yaml'), '--expiration-window', 'soon'], ns: 'west', code: 2, names: /--expiration-window/ },
  { name: 'flag: --expiration-window negative', args: (w) => ['token', 'issue', join(w.dir, 'n.yaml'), '--expiration-window=-5m'], ns: 'west', code: 2, names: /--expiration-window/ },
  { name: 'flag: --expiration-window 0', args: (w) => ['token', 'issue', join(w.dir, 'n.yaml'), '--expiration-window', '0'], ns: 'west', code: 2, names: /--expiration-window/ },
  { name: 'flag: --expiration-window endless digits', args: (w) => ['token', 'issue', join(w.dir, 'n.yaml'), '--expiration-window', `${'9'.repeat(400)}h`], ns: 'west', code: 2, names: /--expiration-window/ },
  { name: 'flag: token issue --cost 0', args: (w) => ['token', 'issue', join(w.dir, 'n.yaml'), '--cost', '0'], ns: 'west', code: 2, names: /--cost/ },
  { name: 'flag: token issue --cost above 32 bits', args: (w) => ['token', 'issue', join(w.dir, 'n.yaml'), '--cost', '2147483648'], ns: 'west', code: 2, names: /--cost/ },
  { name: 'flag: token redeem --cost -3', args: (w) => redeem(join(w.dir, 'x.yaml'), '--cost=-3'), code: 2, names: /--cost/ },
  { name: 'flag: token redeem --name not DNS-1123', args: (w) => redeem(join(w.dir, 'x.yaml'), '--name', 'Bad_Name'), code: 2, names: /--name/ },
  { name: 'flag: token redeem --name too long', args: (w) => redeem(join(w.dir, 'x.yaml'), '--name', 'a'.repeat(254)), code: 2, names: /--name/ },
  { name: 'flag: token redeem --wait bogus', args: (w) => redeem(join(w.dir, 'x.yaml'), '--wait', 'forever'), code: 2, names: /--wait/ },
  { name: 'flag: --timeout not a duration', args: (w) => redeem(join(w.dir, 'x.yaml'), '--timeout', 'later'), code: 2, names: /--timeout/ },
  { name: 'flag: --timeout negative', args: (w) => ['token', 'redeem', join(w.dir, 'x.yaml'), '--timeout=-1s'], code: 2, names: /--timeout/ },
  { name: 'flag: link generate --name not DNS-1123', args: () => ['link', 'generate', '--name', 'UPPER'], ns: 'west', code: 2, names: /UPPER/ },
  { name: 'flag: link generate --cost 0', args: () => ['link', 'generate', '--cost', '0'], ns: 'west', code: 2, names: /--cost/ },
  { name: 'flag: link generate --cost out of range', args: () => ['link', 'generate', '--cost', '99999999999'], ns: 'west', code: 2, names: /--cost/ },
  { name: 'flag: link generate --cost 1e3', args: () => ['link', 'generate', '--cost', '1e3'], ns: 'west', code: 2, names: /--cost/ },
  { name: 'flag: --output-file is a folder', args: (w) => { mkdirSync(join(w.dir, 'out-folder')); return ['link', 'generate', '--output-file', join(w.dir, 'out-folder')]; }, ns: 'west', code: 2, names: /out-folder/ },
  { name: 'flag: --output-file not writable (its folder is a file)', args: (w) => ['link', 'generate', '--output-file', join(file(w, 'plain', 'x'), 'link.yaml')], ns: 'west', code: 2, names: /plain/ },
  { name: 'flag: --output-file already there', args: (w) => ['link', 'generate', '--output-file', file(w, 'there.yaml', 'keep me')], ns: 'west', code: 2, names: /there\.yaml.*exists/ },
  { name: 'flag: token issue file already there', args: (w) => ['token', 'issue', file(w, 'taken.yaml', 'keep me')], ns: 'west', code: 2, names: /taken\.yaml.*exists/ },
  { name: 'flag: token issue file is a folder', args: (w) => { mkdirSync(join(w.dir, 'tfolder')); return ['token', 'issue', join(w.dir, 'tfolder')]; }, ns: 'west', code: 2, names: /tfolder/ },
  { name: 'flag: token issue into a missing folder', args: (w) => ['token', 'issue', join(w.dir, 'nope', 't.yaml')], ns: 'west', code: 2, names: /nope/ },
  // Kubeconfig.
  { name: 'kubeconfig: missing', args: (w) => ['link', 'status', '--kubeconfig', join(w.dir, 'no-kubeconfig')], ownKubeconfig: true, code: 1, names: /no-kubeconfig/ },
  { name: 'kubeconfig: malformed', args: (w) => ['link', 'status', '--kubeconfig', file(w, 'bad-kubeconfig', 'clusters: [\n  {')], ownKubeconfig: true, code: 1, names: /bad-kubeconfig/ },
  { name: 'kubeconfig: not a mapping', args: (w) => ['link', 'status', '--kubeconfig', file(w, 'list-kubeconfig', '- 1\n- 2\n')], ownKubeconfig: true, code: 1, names: /list-kubeconfig/ },
  { name: 'kubeconfig: unknown context', args: (w) => ['link', 'status', '--kubeconfig', w.kubeconfig, '--context', 'mars'], ownKubeconfig: true, code: 1, names: /mars/ },
  { name: 'kubeconfig: unreachable server', args: (w) => ['link', 'status', '--timeout', '5s', '--kubeconfig', file(w, 'unreachable', kubeconfigWith(w, { server: 'https://127.0.0.1:1' }))], ownKubeconfig: true, code: 1, names: /127\.0\.0\.1:1/ },
  { name: 'kubeconfig: expired client certificate', args: async (w) => ['link', 'status', '--timeout', '5s', '--kubeconfig', file(w, 'expired', kubeconfigWith(w, { user: await expiredUser() }))], ownKubeconfig: true, code: 1, names: /credentials|certificate|401/ },
  { name: 'kubeconfig: exec plugin that fails', args: (w) => ['link', 'status', '--timeout', '5s', '--kubeconfig', file(w, 'exec', kubeconfigWith(w, { user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: '/bin/false', interactiveMode: 'Never' } } }))], ownKubeconfig: true, code: 1, names: /exec|\/bin\/false|credential|plugin/i },
];

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A code signed by the right key with claims changed before signing. */
async function signed(w: World, change: (c: Record<string, unknown>) => Record<string, unknown>): Promise<string> {
  const code = await w.sign({});
  const [h, p] = code.split('.') as [string, string];
  const claims = change(JSON.parse(Buffer.from(p, 'base64url').toString()));
  const client = await adminClient(w.west);
  const key = await signingKeyFor(client, await client.get(SITES, 'west'), Math.floor(Date.now() / 1000) + 3600);
  const { createPrivateKey } = await import('node:crypto');
  const pk = createPrivateKey({ key: { kty: 'EC', crv: 'P-256', x: key.x, y: key.y, d: key.d }, format: 'jwk' });
  const payload = b64(claims);
  return `${h}.${payload}.${createSign('SHA256').update(`${h}.${payload}`).sign({ key: pk, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

/** The classic confusion attack: HMAC keyed with the (public) verification key. */
async function hs256WithPublicKey(w: World): Promise<string> {
  const client = await adminClient(w.west);
  const key = await signingKeyFor(client, await client.get(SITES, 'west'), Math.floor(Date.now() / 1000) + 3600);
  const { createPublicKey } = await import('node:crypto');
  const pem = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: key.x, y: key.y }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const h = b64({ alg: 'HS256', kid: key.kid, typ: 'JWT' });
  const p = w.token.spec.code.split('.')[1]!;
  return `${h}.${p}.${createHmac('sha256', pem).update(`${h}.${p}`).digest('base64url')}`;
}

/** A code signed by east's own key, naming east's key id. */
async function otherSiteCode(w: World): Promise<string> {
  const client = await adminClient(w.east);
  const east = await client.get(SITES, 'east');
  const key = await signingKeyFor(client, east, Math.floor(Date.now() / 1000) + 3600);
  const west = await (await adminClient(w.west)).get(SITES, 'west');
  const claims = buildClaims({ site: { name: 'west', uid: west.metadata.uid! }, grant: w.token.metadata.name, jti: randomUUID(), now: Date.now(), windowMs: 600_000, redemptionsAllowed: 3, linkCost: 1 });
  return signClaims(claims, key);
}

function kubeconfigWith(w: World, over: { server?: string; user?: Record<string, unknown> }): string {
  const base = parse(readFileSync(w.kubeconfig, 'utf8')) as { clusters: { cluster: Record<string, unknown> }[]; users: { name: string; user: Record<string, unknown> }[]; contexts: { name: string; context: Record<string, unknown> }[] };
  if (over.server) base.clusters[0]!.cluster.server = over.server;
  if (over.user) for (const u of base.users) u.user = over.user;
  return stringify({ ...base, 'current-context': 'east' });
}

async function expiredUser(): Promise<Record<string, unknown>> {
  // Self-signed (the harness keeps no CA key): the server sees an unknown, expired certificate.
  // The client must still fail in one line.
  const x509 = await import('@peculiar/x509');
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await crypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: 'CN=admin, O=system:masters', notBefore: new Date(Date.now() - 7200_000), notAfter: new Date(Date.now() - 3600_000), signingAlgorithm: alg, keys });
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  return { 'client-certificate-data': Buffer.from(cert.toString('pem')).toString('base64'), 'client-key-data': Buffer.from(key).toString('base64') };
}

for (const c of cases) {
  test(`catalogue: ${c.name}`, async () => {
    const w = await setUp();
    const ns = c.ns === 'west' ? w.west : w.east;
    const args = await c.args(w);
    const before = { west: await clusterSnapshot(w.west), east: await clusterSnapshot(w.east), dir: dirSnapshot(w.dir) };
    const res: PluginResult = await plugin(c.ownKubeconfig ? args : [...args, '--kubeconfig', w.kubeconfig, '-n', ns]);
    assertRefusal(res, c.code, c.names, c.name);
    assert.equal({ west: await clusterSnapshot(w.west), east: await clusterSnapshot(w.east), dir: dirSnapshot(w.dir) }, before, `${c.name}: nothing changed`);
  });
}

test('catalogue: the genuine token still redeems after every hostile attempt, and the grant counted only that use', async () => {
  const w = await setUp();
  const path = file(w, 'genuine.yaml', tokenYaml(w.token));
  const res = await plugin(['token', 'redeem', path, '--name', 'genuine', '--kubeconfig', w.kubeconfig, '-n', w.east]);
  assert.is(res.code, 0, res.stderr);
  const { ACCESS_GRANTS } = await import('../../src/kube/resources.js');
  assert.is((await (await adminClient(w.west)).get(ACCESS_GRANTS, w.token.metadata.name)).status?.redemptions, 1);
});

test.after(async () => {
  for (const s of servers) s.close();
  const { stopGrantServers } = await import('../token/support.js');
  const { stopStandIns } = await import('../support/cluster.js');
  await stopGrantServers();
  await stopStandIns();
});

test.run();

export const CATALOGUE_SIZE = cases.length;
