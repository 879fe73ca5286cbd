// Follows every object of one kind (in a namespace, or cluster-wide with namespace ''): a list,
// then a watch from its resourceVersion, again and again until stopped. A long-running server's
// view of the cluster; one-shot waits use kube/wait.ts instead.
import type { KubeClient } from '../kube/client.js';
import type { ResourceType } from '../kube/resources.js';

type Named = { metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string } };

export interface InformerHandlers<T> {
  /** Every object, on each (re)list. */
  synced: (items: T[]) => void;
  changed: (object: T) => void;
  deleted: (object: T) => void;
  error: (err: unknown) => void;
}

export async function inform<T extends Named>(client: KubeClient, type: ResourceType<T>, namespace: string, handlers: InformerHandlers<T>, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const list = await client.list(type, namespace);
      handlers.synced(list.items);
      let resourceVersion = list.metadata.resourceVersion;
      let relist = false;
      while (!signal.aborted && !relist) {
        const ended = await client.watch<T>(type, namespace, { resourceVersion, timeoutSeconds: '300' }, (event) => {
          if (event.type === 'ERROR') {
            relist = true;
            return true;
          }
          resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
          if (event.type === 'DELETED') handlers.deleted(event.object);
          else if (event.type !== 'BOOKMARK') handlers.changed(event.object);
          return false;
        }, signal);
        if (ended === 'expired') relist = true;
      }
    } catch (err) {
      if (signal.aborted) return;
      handlers.error(err);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
