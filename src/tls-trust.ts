// How our TLS clients (the API server, a grant server, a link's peer) get the certificates they
// trust, without paying for a store they do not use.
//
// Node builds its process-wide default store (its bundled roots, plus NODE_EXTRA_CA_CERTS) the first
// time a context is made with default trust, and also the first time one is made with a `ca`
// (adding a CA compares the context's store with the default store, which builds it). Measured on
// Node 24.21 here: about 1 ms without NODE_EXTRA_CA_CERTS, 4.5-7.5 ms with it (this machine points
// it at a 150-certificate bundle, as corporate proxies have people do). When the first CA we are
// asked for becomes the process default instead (tls.setDefaultCACertificates), that store is
// never built and a context costs about 1 ms either way. The rules that keep this exact:
// - a context made while the default is that CA is cached and handed out as `secureContext`: it
//   keeps its store, so later changes of the default cannot change whom it trusts;
// - another CA gets an ordinary `ca` context; default trust first puts Node's own default back;
// - the default is replaced at most once, never after anything used default trust, and never when
//   the process's default trust is more than the bundled roots and NODE_EXTRA_CA_CERTS (flags,
//   environment, build options), since then it could not be put back exactly;
// - with verification off (insecure-skip-tls-verify) nothing is trusted, so no store is built.
import type { SecureContext, SecureVersion } from 'node:tls';

const tls = process.getBuiltinModule('node:tls');

export interface ClientTlsMaterial {
  /** PEM: the only certificates trusted; none means Node's default trust. */
  ca?: string;
  cert?: string;
  key?: string;
  minVersion?: SecureVersion;
  /** false: connect whatever the server presents (insecure-skip-tls-verify); undefined: Node's default. */
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** What tls.connect, https.request or an https.Agent takes: the trust is in the context. */
export interface ClientTlsOptions {
  secureContext: SecureContext;
  rejectUnauthorized?: boolean;
  servername?: string;
}

const contexts = new Map<string, SecureContext>();
/** The CA this module made the process default, while it is. */
let defaultIs: string | undefined;
/** Something used Node's default trust (or the default was ours and is back): never replace it again. */
let defaultFixed = false;

export function clientTls(material: ClientTlsMaterial): ClientTlsOptions {
  const options: ClientTlsOptions = { secureContext: context(material) };
  if (material.rejectUnauthorized !== undefined) options.rejectUnauthorized = material.rejectUnauthorized;
  if (material.servername !== undefined) options.servername = material.servername;
  return options;
}

/**
 * Puts Node's own default trust back, if a CA replaced it, and keeps it: for code that connects
 * with default trust on its own (@kubernetes/client-node's authenticators and proxy agents).
 */
export function useDefaultTrust(): void {
  if (defaultIs !== undefined) {
    // The default was replaced only when it was exactly the bundled roots and NODE_EXTRA_CA_CERTS's
    // certificates (see mayReplaceDefault); Node reads the latter as plain certificates, so their
    // PEM gives them back exactly.
    tls.setDefaultCACertificates([...tls.getCACertificates('bundled'), ...tls.getCACertificates('extra')]);
    defaultIs = undefined;
  }
  defaultFixed = true;
}

function context(material: ClientTlsMaterial): SecureContext {
  const { ca, cert, key, minVersion } = material;
  const insecure = material.rejectUnauthorized === false;
  const cacheKey = JSON.stringify([insecure ? null : (ca ?? ''), cert ?? '', key ?? '', minVersion ?? '']);
  let made = contexts.get(cacheKey);
  if (made) return made;
  const own = { cert, key, minVersion };
  if (insecure) {
    // An empty `ca` is truthy to Node, so the default store is neither used nor built.
    made = tls.createSecureContext({ ...own, ca: [] });
  } else if (!ca) {
    // Node treats an empty `ca` as none: default trust.
    useDefaultTrust();
    made = tls.createSecureContext(own);
  } else if (ca === defaultIs || becomesDefault(ca)) {
    made = tls.createSecureContext(own);
  } else {
    made = tls.createSecureContext({ ...own, ca });
  }
  contexts.set(cacheKey, made);
  return made;
}

/** Makes `ca` the process default, when that is exact; says whether it did. */
function becomesDefault(ca: string): boolean {
  if (defaultIs !== undefined || defaultFixed || !mayReplaceDefault()) return false;
  const certificates = pemCertificates(ca);
  if (!certificates) return false;
  try {
    tls.setDefaultCACertificates(certificates);
  } catch {
    // Not certificates after all: the ordinary `ca` path gives Node's own answer for them.
    return false;
  }
  defaultIs = ca;
  return true;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g;

/**
 * The certificates of a CA text that is nothing but PEM certificates. Anything else (TRUSTED
 * CERTIFICATE blocks, text between blocks, which `ca` skips or stops at) keeps the ordinary path.
 */
function pemCertificates(text: string): string[] | undefined {
  const blocks = text.match(PEM_CERTIFICATE);
  if (!blocks || text.replace(PEM_CERTIFICATE, '').trim() !== '') return undefined;
  return blocks.map((block) => `${block}\n`);
}

/**
 * Whether Node's default trust is exactly its bundled roots plus NODE_EXTRA_CA_CERTS, so that
 * replacing it can be undone from tls.getCACertificates('bundled') and ('extra'). Not so with
 * system or OpenSSL stores: flags (in execArgv, NODE_OPTIONS or a config file), NODE_USE_SYSTEM_CA,
 * a Node built to use OpenSSL's store or a system path. SSL_CERT_FILE and SSL_CERT_DIR count only
 * with --use-openssl-ca, which is among those flags.
 */
function mayReplaceDefault(): boolean {
  if (typeof tls.setDefaultCACertificates !== 'function' || typeof tls.getCACertificates !== 'function') return false;
  const env = process.env;
  if (env.NODE_USE_SYSTEM_CA) return false;
  const flags = [...process.execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (flags.some((flag) => /^--(use-openssl-ca|use-system-ca|use-bundled-ca|experimental-config-file|experimental-default-config-file)(=|$)/.test(flag))) return false;
  const config = process.config as { target_defaults?: { defines?: string[] }; variables?: Record<string, unknown> };
  if (config.target_defaults?.defines?.includes('NODE_OPENSSL_CERT_STORE') || config.variables?.openssl_system_ca_path) return false;
  return true;
}
