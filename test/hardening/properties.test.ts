// Property-based tests (fast-check): whatever the input, the token file parser, the JWT verifier,
// the kubeconfig reader and the duration parser either answer or throw SkupperError, never
// anything else; and no altered token code verifies.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import { SkupperError } from '../../src/errors.js';
import { parseDuration } from '../../src/duration.js';
import { resolveKubeconfig } from '../../src/kube/kubeconfig.js';
import { READ_OPTIONS } from '../../src/yaml.js';
import { buildClaims, issuerClaim } from '../../src/token/claims.js';
import { parseTokenFile } from '../../src/token/file.js';
import { signClaims, verifyCode } from '../../src/token/jwt.js';
import { keySetOf, testSigningKey } from '../token/test-keys.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

/** Runs f; passes when it returns or throws SkupperError, fails with the input otherwise. */
async function onlySkupperErrors(f: () => unknown): Promise<boolean> {
  try {
    await f();
    return true;
  } catch (err) {
    if (err instanceof SkupperError) {
      // One line, as every message shown to a person.
      if (err.message.includes('\n') || err.message.length === 0) throw new Error(`multi-line or empty message: ${JSON.stringify(err.message)}`);
      return true;
    }
    throw err;
  }
}

const site = { name: 'west', uid: randomUUID() };
const signer = testSigningKey('k1');
const keys = keySetOf(signer);
const expected = { grant: 'west-g', issuer: issuerClaim(site) };
const genuine = await signClaims(buildClaims({ site, grant: 'west-g', jti: randomUUID(), now: Date.now(), windowMs: 600_000, redemptionsAllowed: 1, linkCost: 1 }), signer);

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const b64char = fc.constantFrom(...B64URL.split(''));

/** Text that looks like a token file more often than pure noise would. */
const tokenish = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.jsonValue({ maxDepth: 4 }).map((v) => stringify(v)),
  fc
    .record({
      apiVersion: fc.oneof(fc.constant('skupper.io/v2alpha1'), fc.string()),
      kind: fc.oneof(fc.constant('AccessToken'), fc.string()),
      metadata: fc.oneof(fc.record({ name: fc.oneof(fc.constant('west-1'), fc.string()) }), fc.jsonValue()),
      spec: fc.oneof(
        fc.record({ url: fc.oneof(fc.webUrl(), fc.string()), code: fc.oneof(fc.constant(genuine), fc.string()), ca: fc.string(), linkCost: fc.oneof(fc.integer(), fc.double(), fc.string()) }, { requiredKeys: [] }),
        fc.jsonValue(),
      ),
    }, { requiredKeys: [] })
    .map((o) => stringify(o)),
  // YAML features an attacker reaches for: anchors and aliases, tags, several documents, duplicate keys.
  fc.constantFrom('a: &a [1,2]\nb: [*a,*a,*a]\n', '!!binary aGVsbG8=', '--- 1\n--- 2\n', 'kind: AccessToken\nkind: AccessToken\n', '!!js/function "x"', '? [a]\n: b\n', '*unknown', '&a [*a]'),
);

test('the token file parser returns a token or throws SkupperError, for any text', async () => {
  await fc.assert(fc.asyncProperty(tokenish, (text) => onlySkupperErrors(() => parseTokenFile(text, 'token.yaml'))), { numRuns: RUNS });
});

test('the duration parser returns a finite, non-negative number or throws SkupperError, for any text', () => {
  const digits = fc.array(fc.constantFrom(...'0123456789'.split('')), { minLength: 1, maxLength: 400 }).map((a) => a.join(''));
  const part = fc.tuple(digits, fc.option(digits, { nil: undefined }), fc.constantFrom('ms', 's', 'm', 'h')).map(([i, f, u]) => `${i}${f ? `.${f}` : ''}${u}`);
  const durationish = fc.oneof(fc.string(), fc.array(part, { minLength: 1, maxLength: 4 }).map((a) => a.join('')), fc.stringMatching(/^-?[0-9.]{0,400}(ms|s|m|h|us|d)?([0-9]{0,3}(ms|s|m|h))*$/));
  fc.assert(
    fc.property(durationish, (text) => {
      try {
        const ms = parseDuration(text, '--timeout');
        return Number.isFinite(ms) && ms >= 0 && Number.isSafeInteger(ms);
      } catch (err) {
        if (err instanceof SkupperError) return true;
        throw err;
      }
    }),
    { numRuns: RUNS * 3 },
  );
});

test('the JWT verifier refuses with SkupperError anything but the genuine code, whatever the input', async () => {
  const parts = fc.array(fc.oneof(fc.string(), fc.array(b64char, { maxLength: 120 }).map((a) => a.join(''))), { minLength: 0, maxLength: 4 });
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.string({ maxLength: 500 }), parts.map((p) => p.join('.'))), async (code) => {
      fc.pre(code !== genuine);
      try {
        await verifyCode(code, keys, expected);
        return false; // nothing but the genuine code verifies
      } catch (err) {
        if (err instanceof SkupperError) return true;
        throw err;
      }
    }),
    { numRuns: RUNS },
  );
});

test('no altered token verifies: any change to any character, any header or claim, is refused', async () => {
  const [h, p, s] = genuine.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const refused = async (code: string) => {
    fc.pre(code !== genuine);
    try {
      await verifyCode(code, keys, expected);
      return false;
    } catch (err) {
      if (err instanceof SkupperError) return true;
      throw err;
    }
  };
  // One character of the compact form replaced (padding bits of the last character included).
  await fc.assert(fc.asyncProperty(fc.nat(genuine.length - 1), b64char, (i, c) => refused(genuine.slice(0, i) + c + genuine.slice(i + 1))), { numRuns: RUNS });
  // Characters inserted or removed.
  await fc.assert(fc.asyncProperty(fc.nat(genuine.length), fc.array(b64char, { minLength: 1, maxLength: 4 }), (i, cs) => refused(genuine.slice(0, i) + cs.join('') + genuine.slice(i))), { numRuns: RUNS / 2 });
  await fc.assert(fc.asyncProperty(fc.nat(genuine.length - 1), fc.integer({ min: 1, max: 4 }), (i, n) => refused(genuine.slice(0, i) + genuine.slice(i + n))), { numRuns: RUNS / 2 });
  // Any header or claim changed, added or removed, with the original signature.
  const anyValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }));
  await fc.assert(fc.asyncProperty(fc.constantFrom(...Object.keys(payload), 'admin', 'aud2'), anyValue, (k, v) => refused(`${h}.${b64({ ...payload, [k]: v })}.${s}`)), { numRuns: RUNS / 2 });
  await fc.assert(fc.asyncProperty(fc.constantFrom(...Object.keys(header), 'crit', 'jku', 'x5u', 'jwk'), anyValue, (k, v) => refused(`${b64({ ...header, [k]: v })}.${p}.${s}`)), { numRuns: RUNS / 2 });
  await fc.assert(fc.asyncProperty(fc.constantFrom(...Object.keys(payload)), (k) => refused(`${h}.${b64(Object.fromEntries(Object.entries(payload).filter(([n]) => n !== k)))}.${s}`)), { numRuns: 20 });
});

test('the kubeconfig reader returns a configuration or throws SkupperError, for any file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-prop-kubeconfig-'));
  const file = join(dir, 'config');
  const named = (inner: fc.Arbitrary<unknown>) => fc.array(fc.oneof(fc.record({ name: fc.oneof(fc.constantFrom('a', 'b'), fc.string()), ...{ x: inner } }, { requiredKeys: [] }), fc.jsonValue()), { maxLength: 3 });
  const kubeconfigish = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.jsonValue({ maxDepth: 4 }).map((v) => stringify(v)),
    fc
      .record({
        apiVersion: fc.constant('v1'),
        kind: fc.constant('Config'),
        clusters: fc.oneof(named(fc.jsonValue()).map((a) => a.map((c) => (typeof c === 'object' && c && 'x' in c ? { name: (c as { name?: unknown }).name, cluster: (c as { x: unknown }).x } : c))), fc.jsonValue()),
        users: fc.oneof(named(fc.jsonValue()).map((a) => a.map((u) => (typeof u === 'object' && u && 'x' in u ? { name: (u as { name?: unknown }).name, user: (u as { x: unknown }).x } : u))), fc.jsonValue()),
        contexts: fc.oneof(
          named(fc.oneof(fc.record({ cluster: fc.constantFrom('a', 'b'), user: fc.constantFrom('a', 'b'), namespace: fc.string() }, { requiredKeys: [] }), fc.jsonValue())).map((a) =>
            a.map((c) => (typeof c === 'object' && c && 'x' in c ? { name: (c as { name?: unknown }).name, context: (c as { x: unknown }).x } : c)),
          ),
          fc.jsonValue(),
        ),
        'current-context': fc.oneof(fc.constantFrom('a', 'b'), fc.jsonValue()),
      }, { requiredKeys: [] })
      .map((o) => stringify(o)),
  );
  fc.assert(
    fc.property(kubeconfigish, fc.option(fc.constantFrom('a', 'b', ''), { nil: undefined }), (text, context) => {
      writeFileSync(file, text);
      try {
        const resolved = resolveKubeconfig({ kubeconfig: file, context, env: {}, homeDir: '/nonexistent' }, (t) => parse(t, READ_OPTIONS));
        return typeof resolved.server === 'string' && typeof resolved.namespace === 'string';
      } catch (err) {
        if (err instanceof SkupperError) return true;
        throw err;
      }
    }),
    { numRuns: RUNS },
  );
});

test.run();
