// Listener and Connector manifests from settings: pure, so create and generate make the same object.
import { SKUPPER_API_VERSION, type Connector, type ConnectorSpec, type Listener } from '../kube/resources.js';

export interface ListenerSettings {
  name: string;
  namespace?: string;
  port: number;
  routingKey?: string;
  host?: string;
  tlsCredentials?: string;
  type?: string;
}

export function listenerManifest(s: ListenerSettings): Listener {
  return {
    apiVersion: SKUPPER_API_VERSION,
    kind: 'Listener',
    metadata: { name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}) },
    spec: {
      routingKey: s.routingKey ?? s.name,
      host: s.host ?? s.name,
      port: s.port,
      ...(s.tlsCredentials ? { tlsCredentials: s.tlsCredentials } : {}),
      type: s.type ?? 'tcp',
    },
  };
}

export interface ConnectorSettings {
  name: string;
  namespace?: string;
  port: number;
  routingKey?: string;
  /** Exactly one of host and selector (a workload is resolved to its selector first). */
  host?: string;
  selector?: string;
  includeNotReady?: boolean;
  tlsCredentials?: string;
  type?: string;
}

export function connectorManifest(s: ConnectorSettings): Connector {
  const spec: ConnectorSpec = { routingKey: s.routingKey ?? s.name, port: s.port };
  if (s.host !== undefined) spec.host = s.host;
  else spec.selector = s.selector ?? `app=${s.name}`;
  if (s.includeNotReady) spec.includeNotReadyPods = true;
  if (s.tlsCredentials) spec.tlsCredentials = s.tlsCredentials;
  spec.type = s.type ?? 'tcp';
  return {
    apiVersion: SKUPPER_API_VERSION,
    kind: 'Connector',
    metadata: { name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}) },
    spec,
  };
}
