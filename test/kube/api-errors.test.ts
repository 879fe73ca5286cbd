import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { apiError, transportError, type CallContext } from '../../src/kube/api-errors.js';
import { SkupperError } from '../../src/errors.js';

const SERVER = 'https://a.example:6443';

function call(overrides: Partial<CallContext> = {}): CallContext {
  return { verb: 'create', kind: 'Site', plural: 'sites', group: 'skupper.io', namespace: 'west', name: 'west-site', server: SERVER, ...overrides };
}

function status(fields: Record<string, unknown>): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...fields });
}

/** Every error a person sees is one line; keep a list to check them all at the end. */
const seen: SkupperError[] = [];
function check(err: SkupperError): SkupperError {
  assert.instance(err, SkupperError);
  seen.push(err);
  return err;
}

function networkError(code: string, message: string): Error {
  // undici's fetch rejects with TypeError("fetch failed") whose cause holds the system error.
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

test('401 is UNAUTHORIZED and names the server', () => {
  const err = check(apiError(401, status({ message: 'Unauthorized', reason: 'Unauthorized', code: 401 }), call()));
  assert.is(err.code, 'UNAUTHORIZED');
  assert.match(err.message, SERVER);
  assert.is(err.exitCode, 1);
});

test('403 is FORBIDDEN and names the verb, the qualified resource and the namespace', () => {
  const body = status({ message: 'sites.skupper.io is forbidden: User "dev" cannot create resource "sites" in API group "skupper.io" in the namespace "west"', reason: 'Forbidden', code: 403 });
  const err = check(apiError(403, body, call({ verb: 'create' })));
  assert.is(err.code, 'FORBIDDEN');
  assert.match(err.message, 'create');
  assert.match(err.message, 'sites.skupper.io');
  assert.match(err.message, '"west"');
});

test('403 on a core resource names it without a group suffix', () => {
  const err = check(apiError(403, status({ reason: 'Forbidden', code: 403 }), call({ verb: 'list', kind: 'Secret', plural: 'secrets', group: '', namespace: 'east', name: undefined })));
  assert.is(err.code, 'FORBIDDEN');
  assert.match(err.message, 'list secrets');
  assert.not.match(err.message, 'secrets.');
  assert.match(err.message, '"east"');
});

test('404 with a NotFound Status is NOT_FOUND and names the object and namespace', () => {
  const body = status({ message: 'sites.skupper.io "west-site" not found', reason: 'NotFound', details: { name: 'west-site', group: 'skupper.io', kind: 'sites' }, code: 404 });
  const err = check(apiError(404, body, call({ verb: 'get' })));
  assert.is(err.code, 'NOT_FOUND');
  assert.match(err.message, 'Site "west-site"');
  assert.match(err.message, 'not found');
  assert.match(err.message, '"west"');
});

test('404 "page not found" on skupper.io means the CRDs are missing: CRDS_MISSING with how to install', () => {
  const err = check(apiError(404, '404 page not found\n', call()));
  assert.is(err.code, 'CRDS_MISSING');
  assert.match(err.message, 'Skupper v2');
  assert.match(err.message, /install/i);
  assert.match(err.message, 'kubectl apply');
  assert.is(err.exitCode, 1);
});

test('404 "page not found" on a core resource is not about Skupper', () => {
  const err = check(apiError(404, '404 page not found', call({ verb: 'get', kind: 'Secret', plural: 'secrets', group: '', name: 'token' })));
  assert.is(err.code, 'NOT_FOUND');
  assert.not.match(err.message, 'Skupper');
  assert.match(err.message, 'Secret "token"');
});

test('404 whose details say the namespace is missing talks about the namespace', () => {
  const body = status({ message: 'namespaces "nowhere" not found', reason: 'NotFound', details: { name: 'nowhere', kind: 'namespaces' }, code: 404 });
  const err = check(apiError(404, body, call({ namespace: 'nowhere' })));
  assert.is(err.code, 'NOT_FOUND');
  assert.match(err.message, 'namespace "nowhere" does not exist');
  assert.match(err.message, '-n');
  assert.not.match(err.message, 'Skupper v2');
});

test('409 AlreadyExists is CONFLICT "already exists" naming the object', () => {
  const body = status({ message: 'sites.skupper.io "west-site" already exists', reason: 'AlreadyExists', details: { name: 'west-site', kind: 'sites' }, code: 409 });
  const err = check(apiError(409, body, call()));
  assert.is(err.code, 'CONFLICT');
  assert.match(err.message, 'Site "west-site" already exists');
  assert.match(err.message, '"west"');
});

test('409 Conflict (stale resourceVersion) is CONFLICT that says to run again', () => {
  const body = status({ message: 'Operation cannot be fulfilled on sites.skupper.io "west-site": the object has been modified', reason: 'Conflict', code: 409 });
  const err = check(apiError(409, body, call({ verb: 'update' })));
  assert.is(err.code, 'CONFLICT');
  assert.not.match(err.message, 'already exists');
  assert.match(err.message, 'Site "west-site"');
  assert.match(err.message, /again/);
});

test('422 is INVALID and lists every cause with its field and message', () => {
  const body = status({
    message: 'Site.skupper.io "west-site" is invalid: [spec.linkAccess: Unsupported value: "nope", metadata.name: Invalid value: "X"]',
    reason: 'Invalid',
    details: {
      name: 'west-site',
      kind: 'Site',
      causes: [
        { reason: 'FieldValueNotSupported', message: 'Unsupported value: "nope"', field: 'spec.linkAccess' },
        { reason: 'FieldValueInvalid', message: 'Invalid value: "X": a lowercase RFC 1123 label must consist of lower case alphanumeric characters', field: 'metadata.name' },
      ],
    },
    code: 422,
  });
  const err = check(apiError(422, body, call()));
  assert.is(err.code, 'INVALID');
  assert.match(err.message, 'spec.linkAccess: Unsupported value: "nope"');
  assert.match(err.message, 'metadata.name: Invalid value: "X"');
  assert.match(err.message, 'Site "west-site"');
  assert.is(err.exitCode, 1);
});

test('422 without causes falls back to the Status message, folded onto one line', () => {
  const err = check(apiError(422, status({ message: 'the Site is invalid\nmore detail', reason: 'Invalid', code: 422 }), call()));
  assert.is(err.code, 'INVALID');
  assert.match(err.message, 'the Site is invalid more detail');
});

test('500 is API with the status code and the first line of the body', () => {
  const err = check(apiError(500, status({ message: 'etcdserver: request timed out\ntrace follows', reason: 'InternalError', code: 500 }), call({ verb: 'list', name: undefined })));
  assert.is(err.code, 'API');
  assert.match(err.message, '500');
  assert.match(err.message, 'etcdserver: request timed out');
  assert.match(err.message, 'list sites');
  assert.is(err.exitCode, 1);
  const plain = check(apiError(502, '<html>\n<body>Bad Gateway</body>\n</html>', call()));
  assert.is(plain.code, 'API');
  assert.match(plain.message, '502');
});

test('429 and 503 are API errors that say to try again', () => {
  for (const code of [429, 503]) {
    const err = check(apiError(code, status({ message: 'too many requests', code }), call({ verb: 'get' })));
    assert.is(err.code, 'API');
    assert.match(err.message, String(code));
    assert.match(err.message, SERVER);
    assert.match(err.message, /try again/);
  }
});

test('ECONNREFUSED is UNREACHABLE, names the server and keeps the cause', () => {
  const original = networkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:6443');
  const err = check(transportError(original, call()));
  assert.is(err.code, 'UNREACHABLE');
  assert.match(err.message, SERVER);
  assert.match(err.message, 'refused');
  assert.is(err.cause, original);
  assert.is(err.exitCode, 1);
});

test('ENOTFOUND is UNREACHABLE and mentions DNS', () => {
  const err = check(transportError(networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND a.example'), call()));
  assert.is(err.code, 'UNREACHABLE');
  assert.match(err.message, 'DNS');
  assert.match(err.message, SERVER);
});

test('TLS verification failures are UNREACHABLE and mention TLS', () => {
  for (const [code, message] of [
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"],
  ] as const) {
    const err = check(transportError(networkError(code, message), call()));
    assert.is(err.code, 'UNREACHABLE', code);
    assert.match(err.message, 'TLS', code);
    assert.match(err.message, SERVER, code);
  }
});

test('an error named TimeoutError is TIMEOUT, says how long and points at --timeout', () => {
  const original = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
  const err = check(transportError(original, call({ verb: 'list', name: undefined }), 30_000));
  assert.is(err.code, 'TIMEOUT');
  assert.match(err.message, SERVER);
  assert.match(err.message, '30s');
  assert.match(err.message, '--timeout');
  assert.is(err.cause, original);
  const plain = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
  assert.is(check(transportError(plain, call())).code, 'TIMEOUT');
});

test('undici connect timeouts are TIMEOUT too', () => {
  const err = check(transportError(networkError('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error'), call()));
  assert.is(err.code, 'TIMEOUT');
});

test('other network failures are UNREACHABLE with the cause folded onto one line', () => {
  const reset = check(transportError(networkError('ECONNRESET', 'read ECONNRESET'), call()));
  assert.is(reset.code, 'UNREACHABLE');
  assert.match(reset.message, 'ECONNRESET');
  const odd = check(transportError(new Error('something odd\nwith a second line'), call()));
  assert.is(odd.code, 'UNREACHABLE');
  assert.match(odd.message, 'something odd with a second line');
  const thrown = check(transportError('a string was thrown', call()));
  assert.is(thrown.code, 'UNREACHABLE');
  assert.match(thrown.message, 'a string was thrown');
});

test('every message above is a single line', () => {
  assert.ok(seen.length >= 20, `only ${seen.length} errors were checked`);
  for (const err of seen) assert.not.match(err.message, '\n', err.message);
});

test('422 causes and other server messages that span lines are printed on one line', () => {
  const body = JSON.stringify({ kind: 'Status', reason: 'Invalid', details: { causes: [{ field: 'spec', message: 'line one\nline two' }] } });
  const err = apiError(422, body, { verb: 'create', kind: 'Link', plural: 'links', group: 'skupper.io', namespace: 'east', name: 'x', server: 'https://s' });
  assert.match(err.message, 'spec: line one line two');
  const webhook = apiError(400, JSON.stringify({ message: 'admission webhook "v" denied the request:\nreason here' }), { verb: 'create', kind: 'Link', plural: 'links', group: 'skupper.io', namespace: 'east', name: 'x', server: 'https://s' });
  assert.match(webhook.message, 'denied the request: reason here');
  assert.not.match(webhook.message, '\n');
});

test.run();
