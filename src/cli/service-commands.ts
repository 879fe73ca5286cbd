// What `listener` and `connector` commands share: status, delete, and the wait a create or update
// ends with. Each command file sets its paths and help; the flags and behaviour are the same.
import { Option } from 'clipanion';
import { SkupperError, usageError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { shellWord } from '../kube/target-flags.js';
import type { ServiceKind } from '../service/services.js';
import type { Connector } from '../kube/resources.js';
import type { ServiceObject } from '../service/state.js';
import { checkName } from '../site/validate.js';
import { ClusterCommand } from './base-command.js';
import { DRY_RUN_HELP, dryRunNote, parseDryRun } from './dry-run.js';
import { listingFlags, streamList } from './listing.js';
import { parseListFormat, renderList } from './output.js';
import { columnsOf, kindTitle, serviceDetails } from './service-output.js';

const plural = (kind: ServiceKind) => `${kind}s`;

export function serviceStatusCommand(kind: ServiceKind) {
  return class extends ClusterCommand {
    name = Option.String({ name: 'name', required: false });
    output = Option.String('-o,--output', { description: 'Output format: wide, name, yaml, json, jsonpath=<template> or custom-columns=<HEADER:.path,...> (default: a table)' });
    wait = Option.String('--wait', { description: `configured or ready: watch until every selected ${kind} is so (default: do not wait)` });
    allNamespaces = Option.Boolean('-A,--all-namespaces', false, { description: `List the ${plural(kind)} of every namespace` });
    selector = Option.String('-l,--selector', { description: `Only the ${plural(kind)} whose labels match this selector (e.g. env=prod)` });
    noHeaders = Option.Boolean('--no-headers', false, { description: 'Print table rows without the header line' });
    watch = Option.Boolean('-w,--watch', false, { description: `After listing, print each ${kind} that changes, until Ctrl-C` });

    /** -w runs until Ctrl-C: no command deadline. */
    override longRunning(): boolean {
      return this.watch;
    }

    async run(): Promise<number> {
      if (this.name !== undefined) checkName(this.name, `${kind} name`);
      const format = parseListFormat(this.output);
      listingFlags(this.name, this.allNamespaces, this.selector);
      if (this.wait !== undefined && this.wait !== 'configured' && this.wait !== 'ready') throw usageError(`invalid --wait "${this.wait}": use configured or ready`);
      if (this.wait && (this.allNamespaces || this.selector !== undefined)) throw usageError(`--wait follows the ${plural(kind)} of one namespace: leave out -A and -l`);
      if (this.wait && this.watch) throw usageError('--wait and -w/--watch cannot be used together: -w prints changes until Ctrl-C');
      const timeoutMs = this.timeoutMs();
      const { followServices, listServices, waitForServices } = await import('../service/services.js');
      const client = await this.client();
      const namespace = this.allNamespaces ? '' : client.namespace;
      const resource = `${kind}.skupper.io`;
      const columns = columnsOf(kind);
      if (this.watch) {
        const render = (objects: ServiceObject[], noHeaders: boolean) => renderList(objects, format, columns, { noHeaders, resource, namespaces: this.allNamespaces, single: this.name !== undefined });
        return streamList((t) => this.context.stdout.write(t), (signal, on) => followServices(client, kind, { namespace, name: this.name, labelSelector: this.selector }, signal, on), render, this.noHeaders);
      }
      let objects: ServiceObject[];
      if (this.wait) {
        const names = this.name ? [this.name] : (await listServices(client, kind)).map((o) => o.metadata.name);
        if (names.length === 0) throw new SkupperError('NOT_FOUND', `there are no ${plural(kind)} in namespace "${client.namespace}" to wait for: create one with "kubectl skupper ${kind} create <name> <port>"`);
        if (timeoutMs > 0) this.progress(`Waiting for the ${plural(kind)} to be ${this.wait}...`);
        objects = await waitForServices(client, kind, names, this.wait as 'configured' | 'ready', timeoutMs);
      } else {
        objects = await listServices(client, kind, this.name, { namespace, labelSelector: this.selector });
      }
      if (objects.length === 0 && (format.kind === 'table' || format.kind === 'wide')) {
        this.out(`No ${plural(kind)} found ${this.allNamespaces ? 'in any namespace' : `in namespace "${client.namespace}"`}${this.selector ? ` matching "${this.selector}"` : ''}.`);
        return 0;
      }
      if (this.name && format.kind === 'table') {
        const object = objects[0]!;
        const pods = object.kind === 'Connector' && object.spec.selector ? await (await import('../service/pods.js')).selectedPods(client, object) : undefined;
        this.context.stdout.write(serviceDetails(object, pods));
        return 0;
      }
      this.context.stdout.write(await renderList(objects, format, columns, { noHeaders: this.noHeaders, resource, namespaces: this.allNamespaces, single: this.name !== undefined }));
      return 0;
    }
  };
}

export function serviceDeleteCommand(kind: ServiceKind) {
  return class extends ClusterCommand {
    name = Option.String({ name: 'name' });
    dryRun = Option.String('--dry-run', { description: `Only check: ${DRY_RUN_HELP}` });
    noWait = Option.Boolean('--no-wait', false, { description: `Return once the delete is requested, without waiting until the ${kindTitle(kind)} is gone (default: wait)` });

    async run(): Promise<number> {
      checkName(this.name, `${kind} name`);
      const dryRun = parseDryRun(this.dryRun);
      const timeoutMs = this.timeoutMs();
      const { deleteService } = await import('../service/services.js');
      const client = await this.client();
      const result = await deleteService(client, kind, this.name, { wait: !this.noWait, timeoutMs, dryRun });
      const title = `${kindTitle(kind)} "${this.name}"`;
      if (dryRun) this.out(`${title} is deleted${dryRunNote(dryRun)}.`);
      else this.out(result.gone ? `${title} is deleted.` : `${title} is being deleted: the delete is requested (check with "kubectl skupper ${kind} status ${this.name}${client.flagsIn()}").`);
      return 0;
    }
  };
}

/**
 * After a create or update: waits as --wait says and returns the sentence to print. With
 * --timeout 0 (check once) an object not there yet is the answer, not a failure; any other
 * timeout fails, saying the object exists and what its status says.
 */
export async function settleService(command: ClusterCommand, client: KubeClient, kind: ServiceKind, object: ServiceObject, mode: 'configured' | 'ready' | 'none', timeoutMs: number, verb: 'created' | 'updated'): Promise<string> {
  const name = object.metadata.name;
  const title = `${kindTitle(kind)} "${name}"`;
  if (mode === 'none') return `${title} is ${verb}.`;
  const { unmatchedSelector, waitForServices } = await import('../service/services.js');
  // The usual reason a connector stays unconfigured is that no pod matches its selector. Asked now,
  // beside the wait, because a wait that times out has used up --timeout.
  const idleAtStart = kind === 'connector' ? unmatchedSelector(client, object as Connector).catch(() => undefined) : Promise.resolve(undefined);
  if (timeoutMs > 0) command.progress(`Waiting for ${kind} "${name}" to be ${mode}...`);
  try {
    await waitForServices(client, kind, [name], mode, timeoutMs);
    return `${title} is ${verb} and ${mode}.`;
  } catch (err) {
    if (!(err instanceof SkupperError) || err.code !== 'TIMEOUT') throw err;
    const detail = err.message.replace(/^[a-z]+ not \w+ (after [^:]+|yet \(--timeout 0 checks once\)): /, '');
    const idle = await idleAtStart;
    const pods = idle ? `; no ${idle.pods} pod matched its selector ${idle.selector} when it was ${verb} (check "kubectl get pods -l ${shellWord(idle.selector)}${client.flagsIn()}")` : '';
    if (timeoutMs === 0) return `${title} is ${verb}, not yet ${mode}: ${detail}${pods}.`;
    const status = `kubectl skupper ${kind} status ${name}${client.flagsIn()}`;
    throw new SkupperError('TIMEOUT', `${title} is ${verb} but not ${mode} ${err.message.match(/after [^:]+/)?.[0] ?? ''}: ${detail}${pods} (follow it with "${status} --wait ${mode}")`);
  }
}
