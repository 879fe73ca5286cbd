// The token file: an upstream AccessToken (so `kubectl apply -f` and the upstream CLI take it)
// under comment lines a person can read: who issued it, when it expires, how many uses it has.
import { X509Certificate } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { inputError, SkupperError } from '../errors.js';
import { isDeviceTarget } from '../files/secret-file.js';
import { SKUPPER_API_VERSION, type AccessToken } from '../kube/resources.js';
import { loadYaml as yaml, READ_OPTIONS } from '../yaml.js';
import { looksLikeJwt, parseIssuer, peekClaims, rfc3339 } from './claims.js';


export async function renderTokenFile(token: AccessToken, redeemCommand: string): Promise<string> {
  const { stringify } = await yaml();
  const claims = peekClaims(token.spec.code)?.claims;
  const issuer = claims?.iss ? parseIssuer(claims.iss) : undefined;
  const lines = ['# Skupper access token. Anyone holding this file can link a site to the issuing site', '# until it expires or is used up: keep it secret and delete it once redeemed.'];
  if (issuer) lines.push(`# Issuer:  site "${issuer.name}" (uid ${issuer.uid})`);
  if (claims?.exp) lines.push(`# Expires: ${rfc3339(claims.exp)}`);
  if (claims?.redemptionsAllowed) lines.push(`# Uses:    ${claims.redemptionsAllowed} (links it can make)`);
  lines.push(`# Redeem:  ${redeemCommand}`);
  return `${lines.join('\n')}\n${stringify(token, { lineWidth: 0 })}`;
}

/** Reads a token file strictly: anything that would fail later, or silently, fails here. */
export async function parseTokenFile(text: string, path: string): Promise<AccessToken> {
  const { parseAllDocuments } = await yaml();
  const bad = (what: string) => inputError(`${path} is not a usable token file: ${what}`);
  const docs = parseAllDocuments(text, READ_OPTIONS).filter((d) => d.contents !== null);
  if (docs.length !== 1) throw bad(docs.length === 0 ? 'it is empty' : 'it holds several YAML documents');
  const doc = docs[0]!;
  if (doc.errors.length > 0) throw bad(`it is not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`);
  let token: AccessToken;
  try {
    // Aliases are refused outright: a token file has no use for them, and they make alias bombs.
    token = doc.toJS({ maxAliasCount: 0 }) as AccessToken;
  } catch (err) {
    throw bad(`it is not usable YAML (${(err as Error).message.split('\n')[0]})`);
  }
  if (typeof token !== 'object' || token === null) throw bad('it is not a YAML object');
  if (token.kind !== 'AccessToken') throw bad(`kind is "${String(token.kind)}", not AccessToken`);
  if (token.apiVersion !== SKUPPER_API_VERSION) throw bad(`apiVersion is "${String(token.apiVersion)}", not ${SKUPPER_API_VERSION}`);
  const spec = token.spec as Partial<AccessToken['spec']> | undefined;
  if (!spec || typeof spec !== 'object') throw bad('spec is missing');
  for (const field of ['url', 'code', 'ca'] as const) if (typeof spec[field] !== 'string' || !spec[field]) throw bad(`spec.${field} is missing`);
  let url: URL;
  try {
    url = new URL(spec.url!);
  } catch {
    throw bad(`spec.url "${spec.url}" is not a URL`);
  }
  if (url.protocol !== 'https:') throw bad(`spec.url "${spec.url}" is not https`);
  // Credentials in a URL would be sent to whoever the URL names; a grant server needs none.
  if (url.username || url.password) throw bad('spec.url holds a user name or password: a grant server URL never does');
  const unknown = Object.keys(spec).filter((k) => !['url', 'code', 'ca', 'linkCost'].includes(k));
  if (unknown.length > 0) throw bad(`spec.${unknown[0]} is not a field of an AccessToken`);
  const pems = spec.ca!.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
  if (pems > 1) throw bad(`spec.ca holds ${pems} certificates where the grant server's one CA certificate belongs`);
  try {
    if (!spec.ca!.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM');
    new X509Certificate(spec.ca!);
  } catch {
    throw bad('spec.ca is not a PEM certificate');
  }
  if (spec.code!.includes('.') && !looksLikeJwt(spec.code!)) throw bad('spec.code looks like a JWT but is not one');
  if (looksLikeJwt(spec.code!) && !peekClaims(spec.code!)) throw bad('spec.code is not a readable JWT');
  if (spec.linkCost !== undefined && (!Number.isInteger(spec.linkCost) || spec.linkCost < 0)) throw bad('spec.linkCost is not a whole number');
  const name = token.metadata?.name;
  if (typeof name !== 'string' || !name) throw bad('metadata.name is missing');
  if (name.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) throw bad(`metadata.name "${name}" is not a valid Kubernetes name`);
  return { apiVersion: SKUPPER_API_VERSION, kind: 'AccessToken', metadata: { name }, spec: { url: spec.url!, code: spec.code!, ca: spec.ca!, ...(spec.linkCost !== undefined ? { linkCost: spec.linkCost } : {}) } };
}

/** Refuses at once a token file name that writing would refuse later. */
export function checkNewFile(path: string): void {
  if (isDeviceTarget(path)) return; // /dev/null, /dev/stdout: written in place
  if (existsSync(path) && statSync(path).isDirectory()) throw inputError(`cannot write ${path}: it is a folder; name a file in it`);
  if (existsSync(path)) throw inputError(`${path} already exists: remove it or choose another file name`);
  if (!existsSync(dirname(resolve(path)))) throw inputError(`cannot write ${path}: folder ${dirname(resolve(path))} does not exist`);
}

/** A token file is a few kilobytes; anything far larger is not one, and is not read. */
export const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/** Reads and strictly parses a token file; "-" reads it from `stdin` (`... | kubectl skupper token redeem -`). */
export async function readTokenFile(path: string, stdin?: Readable): Promise<AccessToken> {
  if (path === '-' && stdin) return parseTokenFile(await readTokenStream(stdin), 'the token on stdin');
  let text: string;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw inputError(`${path} is a folder, not a token file: give the path of the token file`);
    if (info.size > MAX_TOKEN_FILE_BYTES) throw inputError(`${path} is not a usable token file: it is ${info.size} bytes, far more than a token (at most ${MAX_TOKEN_FILE_BYTES}); check the file name`);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof SkupperError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw inputError(code === 'ENOENT' ? `token file ${path} does not exist` : `cannot read token file ${path}: ${code ?? (err as Error).message}`);
  }
  return parseTokenFile(text, path);
}

/** Standard input up to MAX_TOKEN_FILE_BYTES: a token is a few kilobytes, and a stream may never end. */
async function readTokenStream(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_TOKEN_FILE_BYTES) throw inputError(`the token on stdin is not a usable token: it is over ${MAX_TOKEN_FILE_BYTES} bytes, far more than a token; check what is piped in`);
    chunks.push(buffer);
  }
  if (size === 0) throw inputError('the token on stdin is empty: pipe a token file in, as in "kubectl skupper token redeem - < west.yaml"');
  return Buffer.concat(chunks).toString('utf8');
}
