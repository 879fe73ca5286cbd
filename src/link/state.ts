// How a Link's state reads in tables and details. Pure, and tiny: status commands load it at start.
import type { Link } from '../kube/resources.js';

/**
 * STATUS and MESSAGE as people read them. A Link the controller has not configured yet has no
 * status at all (Skupper 2.2 configures new Links late); upstream's own rule for a missing
 * required condition makes that Pending "Not Configured", so we say so rather than print nothing.
 */
export function linkState(link: Link): { status: string; message: string } {
  if (!link.status?.status) return { status: 'Pending', message: 'Not Configured' };
  return { status: link.status.status, message: link.status.message ?? '' };
}
