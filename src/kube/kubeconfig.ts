// Finds and merges kubeconfig files the way kubectl does, without loading the Kubernetes client:
// --kubeconfig, else every file in KUBECONFIG (first one to define a name wins), else
// ~/.kube/config, else the in-cluster service account. Pure file reading, so it is unit-testable.
// Files are read by kubeconfig-yaml.ts; the yaml library is loaded only for what that declines.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { SkupperError } from '../errors.js';
import { loadYaml, READ_OPTIONS } from '../yaml.js';
import { readKubeconfigYaml } from './kubeconfig-yaml.js';

type Named<T> = { name: string } & T;
export type RawCluster = Named<{ cluster: Record<string, unknown> & { server?: string } }>;
export type RawUser = Named<{ user: Record<string, unknown> }>;
export type RawContext = Named<{ context: { cluster?: string; user?: string; namespace?: string } }>;

export interface RawKubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: RawCluster[];
  users: RawUser[];
  contexts: RawContext[];
  'current-context'?: string;
}

export interface KubeconfigInputs {
  /** The --kubeconfig flag. */
  kubeconfig?: string;
  /** The --context flag. */
  context?: string;
  /** The -n/--namespace flag. */
  namespace?: string;
  env: Record<string, string | undefined>;
  homeDir: string;
  /** Where the in-cluster service account lives; overridable for tests. */
  serviceAccountDir?: string;
  /** kubectl's client flags, which override what the kubeconfig says. */
  overrides?: KubeconfigOverrides;
}

/** kubectl's flags --cluster, --user, --server, --token, --certificate-authority, --insecure-skip-tls-verify, --as. */
export interface KubeconfigOverrides {
  cluster?: string;
  user?: string;
  server?: string;
  token?: string;
  certificateAuthority?: string;
  insecureSkipTlsVerify?: boolean;
  as?: string;
}

export type ResolvedKubeconfig =
  | {
      source: 'files';
      files: string[];
      /** The merged kubeconfig with the overrides applied; current-context is the one in use. */
      config: RawKubeconfig;
      contextName: string;
      server: string;
      namespace: string;
      /** The cluster and user entries in use (their names as the context says, after --cluster/--user). */
      cluster: RawCluster;
      user: RawUser;
    }
  | { source: 'in-cluster'; server: string; namespace: string };

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A full YAML parser (yaml's parse), for the files the kubeconfig reader declines. */
export type ParseYaml = (text: string) => unknown;

/** Thrown by loadKubeconfig's first, yaml-less attempt when a file needs the yaml library. */
class YamlNeeded extends Error {}
const yamlNeeded: ParseYaml = () => {
  throw new YamlNeeded('this kubeconfig needs the yaml library');
};

/** Runs `read` without the yaml library, and again with it only if a file needs it. */
async function withYaml<T>(read: (parseYaml: ParseYaml) => T): Promise<T> {
  try {
    return read(yamlNeeded);
  } catch (err) {
    if (!(err instanceof YamlNeeded)) throw err;
  }
  const { parse } = await loadYaml();
  return read((text) => parse(text, READ_OPTIONS));
}

/** resolveKubeconfig, loading the yaml library only if a file needs it. */
export function loadKubeconfig(inputs: KubeconfigInputs): Promise<ResolvedKubeconfig> {
  return withYaml((parseYaml) => resolveKubeconfig(inputs, parseYaml));
}

/**
 * The merged kubeconfig's context names, sorted, and its current-context, without choosing one
 * (so a kubeconfig without a current context still lists them); undefined in a cluster.
 */
export function loadContextNames(inputs: Omit<KubeconfigInputs, 'context' | 'namespace' | 'overrides'>): Promise<{ contexts: string[]; current?: string } | undefined> {
  return withYaml((parseYaml) => {
    const files = kubeconfigFiles(inputs);
    if (files.length === 0) return undefined;
    const config = mergeFiles(files, parseYaml);
    return { contexts: config.contexts.map((c) => c.name).sort(), current: config['current-context'] };
  });
}

export function resolveKubeconfig(inputs: KubeconfigInputs, parseYaml: ParseYaml): ResolvedKubeconfig {
  const files = kubeconfigFiles(inputs);
  const o = inputs.overrides ?? {};
  // kubectl works from --server alone (with --token or --insecure-skip-tls-verify) when there is no kubeconfig.
  if (files.length === 0 && !o.server) return inCluster(inputs);
  const config = files.length > 0 ? mergeFiles(files, parseYaml) : serverOnlyConfig();
  // An empty --context is no --context, as in kubectl: the current context.
  const contextName = inputs.context || config['current-context'];
  const contextNames = config.contexts.map((c) => c.name).sort();
  if (!contextName) {
    throw new SkupperError(
      'CONFIG',
      `the kubeconfig has no current context: pass --context (one of: ${contextNames.join(', ') || 'none defined'})`,
    );
  }
  const context = config.contexts.find((c) => c.name === contextName);
  if (!context || typeof context.context !== 'object' || context.context === null) {
    throw new SkupperError(
      'CONFIG',
      `context "${contextName}" is not in the kubeconfig (${files.join(delimiter)}): use one of: ${contextNames.join(', ') || 'none defined'}`,
    );
  }
  if (o.cluster) context.context.cluster = o.cluster;
  if (o.user) context.context.user = o.user;
  let cluster = config.clusters.find((c) => c.name === context.context.cluster);
  if (!cluster && o.cluster) throw new SkupperError('CONFIG', `cluster "${o.cluster}" (from --cluster) is not in the kubeconfig: use one of: ${config.clusters.map((c) => c.name).sort().join(', ') || 'none defined'}`);
  if (!cluster && o.server) config.clusters.push((cluster = { name: context.context.cluster || 'flags', cluster: {} }));
  if (cluster && o.server) cluster.cluster.server = o.server;
  if (typeof cluster?.cluster?.server !== 'string' || !cluster.cluster.server) {
    throw new SkupperError('CONFIG', `context "${contextName}" names cluster "${context.context.cluster ?? ''}", which the kubeconfig does not define with a server`);
  }
  // A server without a scheme (-s 10.0.0.1:6443) is https, as kubectl takes it.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(cluster.cluster.server)) cluster.cluster.server = `https://${cluster.cluster.server}`;
  context.context.cluster = cluster.name;
  let user = config.users.find((u) => u.name === context.context.user);
  if (!user && o.user) throw new SkupperError('CONFIG', `user "${o.user}" (from --user) is not in the kubeconfig: use one of: ${config.users.map((u) => u.name).sort().join(', ') || 'none defined'}`);
  // A context naming a user nobody defined would go out without credentials (kubectl asks for a
  // password); a --token stands in for it.
  if (!user && typeof context.context.user === 'string' && context.context.user && o.token === undefined) {
    throw new SkupperError('CONFIG', `context "${contextName}" names user "${context.context.user}", which the kubeconfig does not define: add it under users, or set the context's user to one of: ${config.users.map((u) => u.name).sort().join(', ') || 'none defined'}`);
  }
  if (!user) config.users.push((user = { name: context.context.user || 'flags', user: {} }));
  context.context.user = user.name;
  applyOverrides(cluster, user, o);
  const namespace = inputs.namespace || (typeof context.context.namespace === 'string' ? context.context.namespace : '') || 'default';
  return { source: 'files', files, config: { ...config, 'current-context': contextName }, contextName, server: cluster.cluster.server, namespace, cluster, user };
}

/** A kubeconfig made from flags alone: --server names the cluster. */
function serverOnlyConfig(): RawKubeconfig {
  return { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [{ name: 'flags', context: {} }], 'current-context': 'flags' };
}

/** kubectl's override rules (client-go's clientcmd), on the entries the context uses. */
function applyOverrides(cluster: RawCluster, user: RawUser, o: KubeconfigOverrides): void {
  const c = cluster.cluster;
  const u = user.user;
  if (o.certificateAuthority) {
    // A CA given on the command line replaces the kubeconfig's and turns verification back on.
    c['certificate-authority'] = resolve(o.certificateAuthority);
    delete c['certificate-authority-data'];
    delete c['insecure-skip-tls-verify'];
  }
  if (o.insecureSkipTlsVerify) {
    c['insecure-skip-tls-verify'] = true;
    if (!o.certificateAuthority) {
      delete c['certificate-authority'];
      delete c['certificate-authority-data'];
    }
  }
  if (o.token !== undefined) {
    // A token on the command line is the credential: the kubeconfig's other ways to get one step aside.
    u.token = o.token;
    for (const key of ['tokenFile', 'token-file', 'exec', 'auth-provider', 'username', 'password']) delete u[key];
  }
  if (o.as !== undefined) u.as = o.as;
}

/**
 * The files the cluster and user entries in use name, read as client-go reads them when it loads the
 * kubeconfig: one that cannot be read is named with its field and entry, not as a bare ENOENT.
 */
export function checkReferencedFiles(resolved: ResolvedKubeconfig, o: KubeconfigOverrides = {}): void {
  if (resolved.source !== 'files') return;
  const { cluster, user } = resolved;
  const fields: [Record<string, unknown>, string, string][] = [
    [cluster.cluster, 'certificate-authority', o.certificateAuthority ? '--certificate-authority' : `certificate-authority of cluster "${cluster.name}"`],
    [user.user, 'client-certificate', `client-certificate of user "${user.name}"`],
    [user.user, 'client-key', `client-key of user "${user.name}"`],
    [user.user, 'tokenFile', `tokenFile of user "${user.name}"`],
  ];
  for (const [section, key, what] of fields) {
    const path = section[key];
    if (typeof path !== 'string' || !path) continue;
    const problem = unreadable(path);
    if (problem) throw new SkupperError('CONFIG', `the kubeconfig's ${what} (${path}) cannot be read: ${problem}: fix the path${what.startsWith('--') ? '' : `, or give the file's content as ${key === 'tokenFile' ? 'token' : `${key}-data`}`}`);
  }
}

/** Why a file cannot be read as one, in a person's words; undefined when it can. */
function unreadable(path: string): string | undefined {
  try {
    if (statSync(path).isDirectory()) return 'it is a directory';
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    return (err as Error).message;
  }
}

function kubeconfigFiles(inputs: KubeconfigInputs): string[] {
  if (inputs.kubeconfig) {
    const file = resolve(inputs.kubeconfig);
    if (!existsSync(file)) throw new SkupperError('CONFIG', `kubeconfig file ${file} (from --kubeconfig) does not exist`);
    if (statSync(file).isDirectory()) throw new SkupperError('CONFIG', `kubeconfig file ${file} (from --kubeconfig) is a directory: pass the file itself, such as ${join(file, 'config')}`);
    return [file];
  }
  const env = inputs.env.KUBECONFIG;
  if (env) {
    // kubectl skips KUBECONFIG entries that do not exist, and so do we; but while KUBECONFIG is
    // set it never falls back to ~/.kube/config (a typo must not silently reach another cluster).
    const listed = [...new Set(env.split(delimiter).filter(Boolean).map((f) => resolve(f)))];
    const files = listed.filter((f) => existsSync(f));
    const dir = files.find((f) => statSync(f).isDirectory());
    if (dir) throw new SkupperError('CONFIG', `kubeconfig file ${dir} (from KUBECONFIG) is a directory: list files in KUBECONFIG, such as ${join(dir, 'config')}`);
    if (files.length === 0) throw new SkupperError('CONFIG', `none of the files in KUBECONFIG exist (${listed.join(delimiter)}): fix KUBECONFIG or pass --kubeconfig`);
    return files;
  }
  const home = join(inputs.homeDir, '.kube', 'config');
  return existsSync(home) ? [home] : [];
}

function inCluster(inputs: KubeconfigInputs): ResolvedKubeconfig {
  const dir = inputs.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const host = inputs.env.KUBERNETES_SERVICE_HOST;
  if (!host || !existsSync(join(dir, 'token'))) {
    throw new SkupperError(
      'CONFIG',
      'no Kubernetes configuration found: pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config',
    );
  }
  const port = inputs.env.KUBERNETES_SERVICE_PORT ?? '443';
  const nsFile = join(dir, 'namespace');
  const namespace = inputs.namespace || (existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() : '') || 'default';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { source: 'in-cluster', server: `https://${hostPart}:${port}`, namespace };
}

function mergeFiles(files: string[], parseYaml: ParseYaml): RawKubeconfig {
  const merged: RawKubeconfig = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] };
  for (const file of files) {
    const doc = readKubeconfig(file, parseYaml);
    const base = dirname(file);
    mergeNamed(merged.clusters, doc.clusters, (c) => absolutize(c.cluster, base, ['certificate-authority']));
    mergeNamed(merged.users, doc.users, (u) => absolutize(u.user, base, ['client-certificate', 'client-key', 'tokenFile']));
    mergeNamed(merged.contexts, doc.contexts, () => undefined);
    const current = doc['current-context'];
    merged['current-context'] ??= (typeof current === 'string' && current) || undefined;
  }
  return merged;
}

function readKubeconfig(file: string, parseYaml: ParseYaml): Partial<RawKubeconfig> {
  let doc: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    doc = readKubeconfigYaml(text);
    if (doc === undefined) doc = parseYaml(text);
  } catch (err) {
    if (err instanceof YamlNeeded) throw err;
    // A file-system error has a syscall (the YAML parser's errors have codes too).
    const { code, syscall } = err as NodeJS.ErrnoException;
    if (code === 'EISDIR') throw new SkupperError('CONFIG', `kubeconfig file ${file} is a directory: pass the file itself with --kubeconfig`);
    if (syscall) throw new SkupperError('CONFIG', `kubeconfig file ${file} cannot be read: ${code === 'EACCES' ? 'permission denied' : (err as Error).message}`);
    throw new SkupperError('CONFIG', `kubeconfig file ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new SkupperError('CONFIG', `kubeconfig file ${file} is not a kubeconfig (expected a mapping with clusters, users and contexts)`);
  }
  return doc as Partial<RawKubeconfig>;
}

/** kubectl's rule: the first file that defines a name wins. */
function mergeNamed<T extends { name: string }>(into: T[], from: T[] | null | undefined, fix: (item: T) => void): void {
  // A list that is not a list, or an entry that is not a named mapping, defines nothing.
  for (const item of Array.isArray(from) ? from : []) {
    if (typeof item !== 'object' || item === null || typeof item.name !== 'string' || !item.name || into.some((x) => x.name === item.name)) continue;
    const copy = structuredClone(item);
    fix(copy);
    into.push(copy);
  }
}

/** Paths in a kubeconfig are relative to the file that holds them. */
function absolutize(section: Record<string, unknown> | undefined, base: string, keys: string[]): void {
  if (typeof section !== 'object' || section === null) return;
  for (const key of keys) {
    const value = section[key];
    if (typeof value === 'string' && value && !isAbsolute(value)) section[key] = resolve(base, value);
  }
}
