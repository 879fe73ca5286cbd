// Real TLS 1.3 handshakes over loopback: the certificates must work with OpenSSL's TLS stack
// (which node uses, as the Skupper router does), not just parse.
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TlsOptions, type TLSSocket } from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCA } from '../../src/certs/ca.js';
import { issueCertificate } from '../../src/certs/issue.js';
import type { PemPair } from '../../src/certs/pem.js';

const siteCA = await createCA('skupper-site-ca'); // RSA-2048, like upstream
const otherCA = await createCA('other-site-ca');
const server = await issueCertificate(siteCA, { commonName: 'skupper-router', hosts: ['localhost', '127.0.0.1'] });
const goodClient = await issueCertificate(siteCA, { commonName: 'linking-site' }); // ECDSA P-256 by default
const foreignClient = await issueCertificate(otherCA, { commonName: 'intruder' });

interface Outcome {
  /** What the client read: the server only writes after accepting the client. */
  received: string;
  clientError?: string;
  /** Per completed server-side handshake: the client's CN and node's verification verdict. */
  accepted: { cn: string; authorized: boolean; authorizationError?: string }[];
  serverErrors: string[];
}

/** One connection from a client presenting `client` (or no certificate) to a router-like server trusting only siteCA. */
async function handshake(client: PemPair | undefined, serverOptions: TlsOptions = {}): Promise<Outcome> {
  const outcome: Outcome = { received: '', accepted: [], serverErrors: [] };
  const options: TlsOptions = {
    key: server.key,
    cert: server.cert,
    ca: siteCA.cert,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.3',
    ...serverOptions,
  };
  const tlsServer = createServer(options, (socket: TLSSocket) => {
    const cn = socket.getPeerCertificate().subject?.CN;
    const authorizationError = socket.authorizationError?.toString();
    outcome.accepted.push({ cn: String(cn), authorized: socket.authorized, ...(authorizationError ? { authorizationError } : {}) });
    socket.end('welcome');
  });
  tlsServer.on('tlsClientError', (err) => outcome.serverErrors.push(err.message));
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const { port } = tlsServer.address() as AddressInfo;
  try {
    await new Promise<void>((resolve) => {
      // The client checks the server too: trusts siteCA only, and 127.0.0.1 must match an IP SAN.
      const socket = connect({ host: '127.0.0.1', port, ca: siteCA.cert, minVersion: 'TLSv1.3', ...client });
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (outcome.received += chunk));
      socket.on('error', (err) => (outcome.clientError = err.message));
      socket.on('close', () => resolve());
    });
  } finally {
    await new Promise((resolve) => tlsServer.close(resolve));
  }
  return outcome;
}

test('server accepts an ECDSA client certificate issued by the same (RSA) CA', async () => {
  const outcome = await handshake(goodClient);
  assert.is(outcome.clientError, undefined);
  assert.equal(outcome.serverErrors, []);
  assert.equal(outcome.accepted, [{ cn: 'linking-site', authorized: true }]);
  assert.is(outcome.received, 'welcome');
});

test('server refuses a client certificate issued by another CA', async () => {
  const outcome = await handshake(foreignClient);
  assert.equal(outcome.accepted, []);
  assert.is(outcome.received, '');
  // Node's server drops the connection after TLS 1.3 verification fails; the client just sees it close.
  assert.is(outcome.serverErrors.length, 1);
});

test('the refusal is a chain verification failure (server observing instead of rejecting)', async () => {
  const outcome = await handshake(foreignClient, { rejectUnauthorized: false });
  assert.is(outcome.accepted.length, 1);
  assert.is(outcome.accepted[0]!.authorized, false);
  assert.match(outcome.accepted[0]!.authorizationError ?? '', /UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
});

test('server refuses a client presenting no certificate', async () => {
  const outcome = await handshake(undefined);
  assert.equal(outcome.accepted, []);
  assert.is(outcome.received, '');
  assert.is(outcome.serverErrors.length, 1);
});

test('client refuses a server whose certificate comes from a CA it does not trust', async () => {
  const outcome = await handshake(goodClient, { key: foreignClient.key, cert: foreignClient.cert });
  assert.equal(outcome.accepted, []);
  assert.is(outcome.received, '');
  assert.match(outcome.clientError ?? '', /unable to verify/i);
});

test.run();
