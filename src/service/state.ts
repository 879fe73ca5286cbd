// How a listener's or connector's state reads in tables and messages. Pure and tiny.
import type { Connector, Listener } from '../kube/resources.js';

export type ServiceObject = Listener | Connector;

/** STATUS and MESSAGE; an object the controller has not looked at yet is Pending "Not Configured" (upstream's rule for a missing condition). */
export function serviceState(object: ServiceObject): { status: string; message: string } {
  if (!object.status?.status) return { status: 'Pending', message: 'Not Configured' };
  return { status: object.status.status, message: object.status.message ?? '' };
}
