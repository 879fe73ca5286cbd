// Runs in a child process of tls-trust.test.ts, because the default trust it exercises is
// process-wide: connects with src/tls-trust.ts to the parent's real TLS servers, step by step, and
// prints what happened as JSON. Usage: scenario.ts <fixture.json> <steps|default|bundle>
//   default: only print Node's default trust, untouched (the parent's "original").
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, getCACertificates, type ConnectionOptions } from 'node:tls';
import { clientTls, type ClientTlsMaterial } from '../../src/tls-trust.js';

export interface Fixture {
  ca: Record<'a' | 'b' | 'extra', string>;
  /** Ports of servers whose certificates are signed by CA a, b and extra. */
  port: Record<'a' | 'b' | 'extra', number>;
}

const [fixtureFile, mode] = process.argv.slice(2);
const fixture = JSON.parse(readFileSync(fixtureFile!, 'utf8')) as Fixture;

/** Fingerprints of the process's default trust, sorted: comparable across processes. */
export function defaultTrust(): string[] {
  return getCACertificates('default')
    .map((pem) => new X509Certificate(pem).fingerprint256)
    .sort();
}

/** 'ok' when the handshake succeeded (and verified, unless verification is off), else the error code. */
function dial(server: keyof Fixture['port'], options: ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: fixture.port[server], ...options });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve('ok');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

async function dialAll(material: ClientTlsMaterial): Promise<Record<string, string>> {
  const options = clientTls(material);
  return { a: await dial('a', options), b: await dial('b', options), extra: await dial('extra', options) };
}

const out: Record<string, unknown> = {};
if (mode === 'default') {
  out.default = defaultTrust();
} else if (mode === 'bundle') {
  // The first CA is a bundle of two.
  out.bundle = await dialAll({ ca: fixture.ca.b + fixture.ca.a });
  out.defaultAfterBundle = defaultTrust();
} else {
  out.first = await dialAll({ ca: fixture.ca.a });
  out.defaultAfterFirst = defaultTrust();
  // Same CA, other material (a client certificate's key would differ; a minimum version will do).
  out.sameCaAgain = await dialAll({ ca: fixture.ca.a, minVersion: 'TLSv1.3' });
  out.other = await dialAll({ ca: fixture.ca.b });
  out.defaultAfterOther = defaultTrust();
  out.nodeDefault = await dialAll({});
  out.defaultAfterNodeDefault = defaultTrust();
  // The first CA's cached context keeps its own store; a new request for it gets an ordinary one.
  out.firstCached = await dialAll({ ca: fixture.ca.a });
  out.firstFresh = await dialAll({ ca: fixture.ca.a, minVersion: 'TLSv1.2' });
  out.defaultAtEnd = defaultTrust();
  out.insecure = await dialAll({ rejectUnauthorized: false });
  out.insecureWithCa = await dialAll({ ca: fixture.ca.a, rejectUnauthorized: false });
}
process.stdout.write(JSON.stringify(out));
