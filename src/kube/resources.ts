// Every Kubernetes and Skupper v2 resource the plugin reads or writes: its TypeScript shape and
// where it lives in the API. Field names follow skupper.io/v2alpha1 exactly so that manifests and
// objects travel both ways with the upstream controller and CLI.

export const SKUPPER_GROUP = 'skupper.io';
export const SKUPPER_VERSION = 'v2alpha1';
export const SKUPPER_API_VERSION = `${SKUPPER_GROUP}/${SKUPPER_VERSION}`;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** The status block shared by every Skupper v2 kind. */
export interface SkupperStatus {
  status?: 'Ready' | 'Pending' | 'Error' | string;
  message?: string;
  conditions?: Condition[];
}

export interface Endpoint {
  name?: string;
  host?: string;
  port?: string;
  group?: string;
}

export interface SiteSpec {
  serviceAccount?: string;
  linkAccess?: string;
  defaultIssuer?: string;
  edge?: boolean;
  ha?: boolean;
  settings?: Record<string, string>;
}

export interface SiteStatus extends SkupperStatus {
  endpoints?: Endpoint[];
  sitesInNetwork?: number;
  network?: unknown[];
  defaultIssuer?: string;
  controller?: Record<string, string>;
}

export interface LinkSpec {
  endpoints: Endpoint[];
  tlsCredentials?: string;
  cost?: number;
  settings?: Record<string, string>;
}

export interface LinkStatus extends SkupperStatus {
  remoteSiteId?: string;
  remoteSiteName?: string;
}

export interface AccessGrantSpec {
  redemptionsAllowed?: number;
  expirationWindow?: string;
  code?: string;
  issuer?: string;
  settings?: Record<string, string>;
}

export interface AccessGrantStatus extends SkupperStatus {
  url?: string;
  code?: string;
  ca?: string;
  redemptions?: number;
  expirationTime?: string;
}

export interface AccessTokenSpec {
  url: string;
  code: string;
  ca: string;
  linkCost?: number;
  settings?: Record<string, string>;
}

export interface AccessTokenStatus extends SkupperStatus {
  redeemed?: boolean;
}

export interface RouterAccessSpec {
  roles: { name: string; port: number }[];
  tlsCredentials: string;
  generateTlsCredentials?: boolean;
  issuer?: string;
  accessType?: string;
  bindHost?: string;
  subjectAlternativeNames?: string[];
  settings?: Record<string, string>;
}

export interface CertificateSpec {
  ca: string;
  subject: string;
  hosts?: string[];
  client?: boolean;
  server?: boolean;
  signing?: boolean;
  settings?: Record<string, string>;
}

export interface ListenerSpec {
  routingKey: string;
  host: string;
  port: number;
  tlsCredentials?: string;
  type?: string;
  observer?: string;
  exposePodsByName?: boolean;
  settings?: Record<string, string>;
}

export interface ListenerStatus extends SkupperStatus {
  hasMatchingConnector?: boolean;
}

export interface ConnectorSpec {
  routingKey: string;
  port: number;
  /** One of host and selector. */
  host?: string;
  selector?: string;
  tlsCredentials?: string;
  useClientCert?: boolean;
  verifyHostname?: boolean;
  type?: string;
  includeNotReadyPods?: boolean;
  exposePodsByName?: boolean;
  settings?: Record<string, string>;
}

export interface ConnectorStatus extends SkupperStatus {
  hasMatchingListener?: boolean;
  selectedPods?: { name?: string; ip?: string }[];
}

interface Resource<K extends string, Spec, Status> {
  apiVersion: string;
  kind: K;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

export type Site = Resource<'Site', SiteSpec, SiteStatus>;
export type Link = Resource<'Link', LinkSpec, LinkStatus>;
export type AccessGrant = Resource<'AccessGrant', AccessGrantSpec, AccessGrantStatus>;
export type AccessToken = Resource<'AccessToken', AccessTokenSpec, AccessTokenStatus>;
export type RouterAccess = Resource<'RouterAccess', RouterAccessSpec, SkupperStatus>;
export type Certificate = Resource<'Certificate', CertificateSpec, SkupperStatus>;
export type Listener = Resource<'Listener', ListenerSpec, ListenerStatus>;
export type Connector = Resource<'Connector', ConnectorSpec, ConnectorStatus>;

export interface Secret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: ObjectMeta;
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface KubeList<T> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

/** Where a kind lives in the API, and the words people use for it in messages. */
export interface ResourceType<T = unknown> {
  group: string; // '' for the core group
  version: string;
  kind: string;
  plural: string;
  /** Phantom field that ties the descriptor to its object type. */
  readonly __type?: T;
}

function skupper<T>(kind: string, plural: string): ResourceType<T> {
  return { group: SKUPPER_GROUP, version: SKUPPER_VERSION, kind, plural };
}

export const SITES = skupper<Site>('Site', 'sites');
export const LINKS = skupper<Link>('Link', 'links');
export const ACCESS_GRANTS = skupper<AccessGrant>('AccessGrant', 'accessgrants');
export const ACCESS_TOKENS = skupper<AccessToken>('AccessToken', 'accesstokens');
export const ROUTER_ACCESSES = skupper<RouterAccess>('RouterAccess', 'routeraccesses');
export const CERTIFICATES = skupper<Certificate>('Certificate', 'certificates');
export const CONNECTORS = skupper<Connector>('Connector', 'connectors');
export const LISTENERS = skupper<Listener>('Listener', 'listeners');
/** Kinds the plugin only lists and deletes (site delete --all); their specs are not read. */
export type OtherSkupperResource = Resource<string, Record<string, unknown>, SkupperStatus>;
export const SECURED_ACCESSES = skupper<OtherSkupperResource>('SecuredAccess', 'securedaccesses');
export const ATTACHED_CONNECTORS = skupper<OtherSkupperResource>('AttachedConnector', 'attachedconnectors');
export const ATTACHED_CONNECTOR_BINDINGS = skupper<OtherSkupperResource>('AttachedConnectorBinding', 'attachedconnectorbindings');
export const SECRETS: ResourceType<Secret> = { group: '', version: 'v1', kind: 'Secret', plural: 'secrets' };

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

// Kubernetes kinds the doctor reads: only the fields it uses.

export interface Deployment {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: ObjectMeta;
  spec?: { replicas?: number };
  status?: { replicas?: number; availableReplicas?: number; conditions?: { type: string; status: string; message?: string }[] };
}

/** coordination.k8s.io/v1 Lease: who holds a role, until when. */
export interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: ObjectMeta;
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

export interface SelfSubjectAccessReview {
  apiVersion: 'authorization.k8s.io/v1';
  kind: 'SelfSubjectAccessReview';
  metadata?: Partial<ObjectMeta>;
  spec: { resourceAttributes: { namespace?: string; verb: string; group: string; resource: string; name?: string } };
  status?: { allowed: boolean; denied?: boolean; reason?: string };
}

export const DEPLOYMENTS: ResourceType<Deployment> = { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments' };
export const LEASES: ResourceType<Lease> = { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases' };
export const SELF_SUBJECT_ACCESS_REVIEWS: ResourceType<SelfSubjectAccessReview> = { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews' };

// Kubernetes kinds the service commands read: only the fields they use.

/** A label selector as workloads carry it. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Deployment, StatefulSet or DaemonSet: their selector is all `connector create --workload` reads. */
export interface Workload {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: { selector?: LabelSelector };
}

export interface Service {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: ObjectMeta;
  spec?: { selector?: Record<string, string>; ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string }[]; type?: string };
}

export const STATEFUL_SETS: ResourceType<Workload> = { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets' };
export const DAEMON_SETS: ResourceType<Workload> = { group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets' };
export const WORKLOAD_DEPLOYMENTS: ResourceType<Workload> = { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments' };
export const SERVICES: ResourceType<Service> = { group: '', version: 'v1', kind: 'Service', plural: 'services' };

/** A Pod: what `connector status` reads to say which pods a connector reaches. */
export interface Pod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta;
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

export const PODS: ResourceType<Pod> = { group: '', version: 'v1', kind: 'Pod', plural: 'pods' };
