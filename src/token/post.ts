// The redemption request: POST the code to the grant's URL over TLS 1.3, trusting only the CA in
// the token, following no redirects, reading at most a bounded answer, within the deadline.
import { request } from 'node:https';
import { isIP } from 'node:net';
import { SkupperError } from '../errors.js';
import type { AccessToken } from '../kube/resources.js';
import { clientTls } from '../tls-trust.js';

/** Far more than a Secret and a few Links; a server sending more is not a grant server. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface GrantAnswer {
  status: number;
  body: string;
}

export function postCode(token: AccessToken, headers: { name: string; subject: string }, timeoutMs: number): Promise<GrantAnswer> {
  const url = new URL(token.spec.url);
  const address = `${url.hostname}:${url.port || 443}`;
  return new Promise((resolve, reject) => {
    const fail = (message: string, code: 'UNREACHABLE' | 'TOKEN_REFUSED' | 'TIMEOUT' = 'UNREACHABLE') => {
      req.destroy();
      reject(new SkupperError(code, message));
    };
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const req = request(
      {
        method: 'POST',
        host,
        port: url.port || 443,
        path: `${url.pathname}${url.search}`,
        ...clientTls({ ca: token.spec.ca, minVersion: 'TLSv1.3' }),
        servername: isIP(host) ? undefined : host,
        headers: { name: headers.name, subject: headers.subject, 'content-type': 'text/plain', 'content-length': Buffer.byteLength(token.spec.code) },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) fail(`the grant server at ${address} sent more than ${MAX_RESPONSE_BYTES} bytes: refused, nothing was created`, 'TOKEN_REFUSED');
          else chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => fail(`the grant server at ${address} broke off its answer: ${err.message}`));
      },
    );
    const timer = setTimeout(() => fail(`the grant server at ${address} did not answer within ${Math.round(timeoutMs / 100) / 10}s: check that it is running and reachable from here`, 'TIMEOUT'), timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(transportFailure(err, address));
    });
    req.end(token.spec.code);
  });
}

function transportFailure(err: NodeJS.ErrnoException, address: string): SkupperError {
  if (err instanceof SkupperError) return err;
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return new SkupperError('UNREACHABLE', `cannot reach the grant server at ${address}: connection refused (is "kubectl skupper grant-server" or the Skupper controller's grant server running there?)`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new SkupperError('UNREACHABLE', `cannot reach the grant server at ${address}: the name does not resolve from here`);
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new SkupperError('UNREACHABLE', `cannot reach the grant server at ${address}: ${code} (a firewall, or no route from here)`);
  if (/CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS_CERT/.test(code) || /certificate/i.test(err.message)) {
    return new SkupperError('TOKEN_REFUSED', `the server at ${address} is not the grant server that issued this token: its certificate is not signed by the token's CA (${code || err.message})`);
  }
  if (/protocol version|ERR_SSL_UNSUPPORTED_PROTOCOL|TLSV1_ALERT_PROTOCOL_VERSION/i.test(code + err.message)) return new SkupperError('UNREACHABLE', `the server at ${address} does not speak TLS 1.3`);
  return new SkupperError('UNREACHABLE', `cannot reach the grant server at ${address}: ${err.message}`);
}
