// Why is my link not Ready? Dials each endpoint of a Link with the Link's own Secret and reports,
// step by step: TCP connect, the peer's certificate trusted by the link's CA, our client
// certificate accepted by the peer, and the certificates' expiry.
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { KubeClient } from '../kube/client.js';
import { SECRETS, type Endpoint, type Link } from '../kube/resources.js';
import { secretText } from '../kube/secret-data.js';
import { compareText } from '../compare.js';
import { clientTls } from '../tls-trust.js';

export type StepResult = { ok: true; detail?: string } | { ok: false; detail: string } | { ok: null; detail: string }; // null: not tried

export interface EndpointCheck {
  link: string;
  endpoint: string; // role
  address: string;
  tcp: StepResult;
  serverTrusted: StepResult;
  clientAccepted: StepResult;
  /** Our client certificate's notAfter (ISO), when the Secret has one. */
  clientCertExpires?: string;
  serverCertExpires?: string;
}

// The AMQP 1.0 SASL protocol header, as a linking router sends it (its link listeners demand SASL
// EXTERNAL): a router that accepted our certificate answers with its own. The plain AMQP header
// would be refused ("Client skipped authentication") whatever our certificate.
const AMQP_SASL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x03, 0x01, 0x00, 0x00]);

export async function checkLink(client: KubeClient, link: Link, timeoutMs: number): Promise<EndpointCheck[]> {
  const secretName = link.spec.tlsCredentials;
  const secret = secretName ? await client.find(SECRETS, secretName) : undefined;
  const creds = { cert: secretText(secret, 'tls.crt'), key: secretText(secret, 'tls.key'), ca: secretText(secret, 'ca.crt') };
  const missing = !secret ? `Secret "${secretName ?? ''}" not found` : !creds.cert || !creds.key || !creds.ca ? `Secret "${secretName}" lacks tls.crt, tls.key or ca.crt` : undefined;
  return checkEndpoints(link.metadata.name, link.spec.endpoints, creds, timeoutMs, missing);
}

/**
 * Dials each endpoint with the given client credentials (PEM). `missing` says why there are no
 * usable credentials: TCP is still tried, TLS is not.
 */
export async function checkEndpoints(link: string, endpointList: Endpoint[], creds: { cert: string; key: string; ca: string }, timeoutMs: number, missing?: string): Promise<EndpointCheck[]> {
  const clientCertExpires = creds.cert ? expiry(creds.cert) : undefined;
  const endpoints = [...endpointList].sort((a, b) => compareText(a.name ?? '', b.name ?? ''));
  return Promise.all(
    endpoints.map(async (endpoint) => {
      const base = { link, endpoint: endpoint.name ?? '', address: `${endpoint.host ?? ''}:${endpoint.port ?? ''}`, clientCertExpires };
      const tcp = await tcpCheck(endpoint.host ?? '', Number(endpoint.port), timeoutMs);
      if (!tcp.ok) return { ...base, tcp, serverTrusted: notTried, clientAccepted: notTried };
      if (missing) return { ...base, tcp, serverTrusted: { ok: false, detail: missing } as StepResult, clientAccepted: notTried };
      return { ...base, tcp, ...(await tlsCheck(endpoint.host ?? '', Number(endpoint.port), creds, timeoutMs)) };
    }),
  );
}

const notTried: StepResult = { ok: null, detail: 'not tried' };

function tcpCheck(host: string, port: number, timeoutMs: number): Promise<StepResult> {
  return new Promise((resolve) => {
    const socket = netConnect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ ok: false, detail: `no answer within ${timeoutMs / 1000}s (firewall, or wrong address)` });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, detail: err.code === 'ECONNREFUSED' ? 'connection refused' : (err.code ?? err.message) }));
  });
}

function tlsCheck(host: string, port: number, creds: { cert: string; key: string; ca: string }, timeoutMs: number): Promise<Pick<EndpointCheck, 'serverTrusted' | 'clientAccepted' | 'serverCertExpires'>> {
  return new Promise((resolve) => {
    let serverTrusted: StepResult = { ok: false, detail: 'no TLS handshake' };
    let serverCertExpires: string | undefined;
    let settled = false;
    const finish = (clientAccepted: StepResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ serverTrusted, clientAccepted, serverCertExpires });
    };
    // Verify by hand so that an untrusted server is reported, not just refused: the context trusts
    // the link's CA (socket.authorized), the connection does not insist on it.
    const trust = clientTls({ cert: creds.cert, key: creds.key, ca: creds.ca });
    const socket: TLSSocket = tlsConnect({ host, port, ...trust, rejectUnauthorized: false, servername: /^[\d.]+$|:/.test(host) ? undefined : host });
    const timer = setTimeout(() => finish({ ok: null, detail: `the peer neither accepted nor refused us within ${timeoutMs / 1000}s` }), timeoutMs);
    socket.once('secureConnect', () => {
      const peer = socket.getPeerX509Certificate();
      serverCertExpires = peer ? new Date(peer.validTo).toISOString() : undefined;
      serverTrusted = socket.authorized ? { ok: true } : { ok: false, detail: `not trusted by the link's CA: ${String(socket.authorizationError)}` };
      // TLS 1.3 finishes the client's side before the server has judged our certificate;
      // speak first and see whether the peer answers or hangs up.
      socket.write(AMQP_SASL_HEADER);
    });
    socket.once('data', () => finish({ ok: true }));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (!socket.authorized && serverTrusted.detail === 'no TLS handshake') serverTrusted = { ok: false, detail: err.message };
      finish({ ok: false, detail: refusal(err) });
    });
    socket.once('end', () => finish({ ok: false, detail: 'the peer closed the connection: it refused our client certificate' }));
  });
}

function refusal(err: NodeJS.ErrnoException): string {
  if (/unknown ca|alert number 48/i.test(err.message)) return 'refused: the peer does not know the CA of our certificate';
  if (/certificate required|alert number 116/i.test(err.message)) return 'refused: the peer requires a client certificate';
  if (/bad certificate|alert number 42/i.test(err.message)) return 'refused: bad certificate';
  if (/expired|alert number 45/i.test(err.message)) return 'refused: certificate expired';
  if (err.code === 'ECONNRESET') return 'the peer reset the connection: it refused our client certificate';
  return err.message;
}

function expiry(pem: string): string | undefined {
  try {
    return new Date(new X509Certificate(pem).validTo).toISOString();
  } catch {
    return undefined;
  }
}

