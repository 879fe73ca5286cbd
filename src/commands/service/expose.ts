import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { DRY_RUN_HELP, dryRunNote, parseDryRun } from '../../cli/dry-run.js';
import { renderObjects, table } from '../../cli/output.js';
import { stays } from '../../cli/stays.js';
import { usageError } from '../../errors.js';
import type { Site } from '../../kube/resources.js';
import { checkListenerHost, checkRoutingKey, checkServiceWait, parseBoolFlag, parsePort, parseWorkload } from '../../service/validate.js';
import { checkName } from '../../site/validate.js';

export class ServiceExposeCommand extends ClusterCommand {
  static override paths = [['service', 'expose']];
  static override usage = Command.Usage({
    category: 'Services',
    description: 'Expose a workload of one site on other linked sites, in one step',
    details: `
      Creates a Connector for the workload's pods on the --from site (its selector copied from the workload) and a Listener
      with the same routing key on each --to site, then waits until both ends are Ready. The sites must be linked (see
      "link sites"). Everything is checked on every site first; a failure or Ctrl-C while they are made leaves none of them.
      A site is CONTEXT or CONTEXT/NAMESPACE (default: the context's namespace, or -n).
    `,
    examples: [
      ['Expose deployment backend of west on east, port 8080', '$0 service expose deployment/backend --port 8080 --from west --to east'],
      ['On two sites, the pods listening on 8080, clients using 80', '$0 service expose deployment/backend --port 80 --target-port 8080 --from west --to east,north/team-a'],
    ],
  });

  static override defaultTimeout = '60s';

  workload = Option.String({ name: 'deployment|service|daemonset|statefulset/name' });
  port = Option.String('--port', { description: 'The port clients use on the --to sites (and the pods\' port, unless --target-port)' });
  targetPort = Option.String('--target-port', { description: 'The port of the pods (default: --port)' });
  from = Option.String('--from', { description: 'The site of the workload: CONTEXT[/NAMESPACE]' });
  to = Option.String('--to', { description: 'The sites that consume it, comma-separated: CONTEXT[/NAMESPACE],...' });
  name = Option.String('--name', { description: 'Name of the Connector and the Listeners (default: the workload\'s name)' });
  routingKey = Option.String('-r,--routing-key', { description: 'The key that ties the listeners to the connector (default: the name)' });
  host = Option.String('--host', { description: 'The Service name clients use on the --to sites (default: the name)' });
  includeNotReady = Option.String('--include-not-ready', { tolerateBoolean: true, description: 'Also connect to pods that are not ready (default false)' });
  output = Option.String('-o,--output', { description: 'Output format: yaml, json or name (default: a table of both ends)' });
  dryRun = Option.String('--dry-run', { description: `Only check: ${DRY_RUN_HELP}` });
  wait = Option.String('--wait', 'ready', { description: 'ready: wait until both ends are Ready (default); configured; none: return once they exist' });

  async run(): Promise<number> {
    const workload = parseWorkload(this.workload, 'workload');
    if (this.port === undefined) throw usageError('service expose needs --port: the port clients use, e.g. --port 8080');
    const port = parsePort(this.port, '--port');
    const targetPort = this.targetPort === undefined ? port : parsePort(this.targetPort, '--target-port');
    if (!this.from || !this.to) throw usageError('service expose needs both --from and --to, each CONTEXT or CONTEXT/NAMESPACE: see "kubectl skupper service expose --help"');
    const name = checkName(this.name ?? workload.name, this.name === undefined ? 'connector name (from the workload; pass --name)' : 'name');
    const routingKey = checkRoutingKey(this.routingKey ?? name);
    const host = checkListenerHost(this.host ?? name);
    const includeNotReady = parseBoolFlag(this.includeNotReady, '--include-not-ready');
    const wait = checkServiceWait(this.wait);
    const dryRun = parseDryRun(this.dryRun);
    const output = this.output;
    if (output !== undefined && output !== 'yaml' && output !== 'json' && output !== 'name') throw usageError(`invalid output format "${output}": use -o yaml, -o json or -o name`);
    if (this.kubeContext !== undefined) throw usageError('service expose takes its contexts from --from and --to: drop --context');
    const timeoutMs = this.timeoutMs();
    const started = Date.now();
    const { parseSiteRef, parseSiteRefs } = await import('../../network/refs.js');
    const fromRef = parseSiteRef(this.from, '--from');
    const toRefs = parseSiteRefs(this.to, '--to');
    const { connectTo } = await import('../../network/read.js');
    const settings = this.connectionSettings();
    const clients = await Promise.all([fromRef, ...toRefs].map((r) => connectTo(r, settings)));
    const ends = [fromRef, ...toRefs].map((r, i) => ({ client: clients[i]!, context: r.context, ref: `${r.context}/${clients[i]!.namespace}` }));
    const seen = new Set<string>();
    for (const e of ends) {
      if (seen.has(e.ref)) throw usageError(`${e.ref} is named twice in --from and --to: a connector and its listeners need separate sites`);
      seen.add(e.ref);
    }
    const kubeconfig = this.kubeconfig !== undefined ? (await import('../../kube/target-flags.js')).renderTargetFlags({ kubeconfig: this.kubeconfig }) : '';
    // The link runs towards the site that accepts links; the connector's site when both or neither do.
    const linkSitesCommand = (a: { ref: string }, b: { ref: string }, bSite: Site) => {
      const bAccepts = Boolean(bSite.spec.linkAccess && bSite.spec.linkAccess !== 'none');
      const [x, y] = bAccepts ? [a, b] : [b, a];
      return `kubectl skupper link sites --from ${x.ref} --to ${y.ref}${kubeconfig}`;
    };
    const { exposeService } = await import('../../service/expose.js');
    const { Operation } = await import('../../operation.js');
    const op = new Operation();
    const result = await exposeService(ends[0]!, ends.slice(1), { name, workload, port, targetPort, routingKey, host, includeNotReady }, { op, dryRun, linkSitesCommand });
    const ref = (e: { ref: string }) => e.ref;
    const toSites = result.listeners.map((l) => `"${l.site.metadata.name}" (${ref(l.end)})`).join(', ');
    const what = `Connector "${name}" on site "${result.connector.site.metadata.name}" (${ref(result.connector.end)}) and ${result.listeners.length === 1 ? 'Listener' : 'Listeners'} "${name}" on ${result.listeners.length === 1 ? 'site' : 'sites'} ${toSites}`;
    if (dryRun) {
      op.done();
      if (output) this.context.stdout.write(await this.render(output, result.connector.object, result.listeners.map((l) => l.object)));
      else this.out(`${what} are created${dryRunNote(dryRun)}.`);
      return 0;
    }
    const flags = (e: { context: string; client: { namespace: string } }) => `${kubeconfig} --context ${e.context} -n ${e.client.namespace}`;
    const removals = [`kubectl skupper connector delete ${name}${flags(result.connector.end)}`, ...result.listeners.map((l) => `kubectl skupper listener delete ${name}${flags(l.end)}`)];
    const inspect = `check: kubectl skupper network status --contexts ${ends.map((e) => e.ref).join(',')}${kubeconfig}; remove: ${removals.join('; ')}`;
    const standing = `${what} were created and stay`;
    op.done(`${standing}, not yet ${wait === 'none' ? 'checked' : wait}; ${inspect}`);
    let connector = result.connector.object;
    let listeners = result.listeners.map((l) => l.object);
    if (wait !== 'none') {
      this.progress(`Waiting for connector and listeners "${name}" to be ${wait}...`);
      const { waitForServices } = await import('../../service/services.js');
      const left = Math.max(1, timeoutMs - (Date.now() - started));
      try {
        [connector, listeners] = await Promise.all([
          waitForServices(result.connector.end.client, 'connector', [name], wait, left).then((o) => o[0] as typeof connector),
          Promise.all(result.listeners.map((l) => waitForServices(l.end.client, 'listener', [name], wait, left).then((o) => o[0] as (typeof listeners)[number]))),
        ]);
      } catch (err) {
        throw stays(err, `${standing}; ${inspect}`);
      }
    }
    if (output) this.context.stdout.write(await this.render(output, connector, listeners));
    else {
      const { serviceState } = await import('../../service/state.js');
      const rows = [
        { kind: 'Connector', site: result.connector.site.metadata.name, end: result.connector.end, object: connector },
        ...result.listeners.map((l, i) => ({ kind: 'Listener', site: l.site.metadata.name, end: l.end, object: listeners[i]! })),
      ].map((r) => {
        const state = serviceState(r.object);
        return [r.kind, r.object.metadata.name, r.site, ref(r.end), r.object.spec.routingKey, String(r.object.spec.port), state.status, state.message];
      });
      this.out(`${what} are created${wait === 'none' ? '' : ` and ${wait}`}:`);
      this.context.stdout.write(table(['KIND', 'NAME', 'SITE', 'CONTEXT/NAMESPACE', 'ROUTING-KEY', 'PORT', 'STATUS', 'MESSAGE'], rows));
    }
    (await import('../../interrupt.js')).onInterruptSay(`the command completed: ${standing}; ${inspect}`);
    return 0;
  }

  private async render(output: string, connector: { kind: string; metadata: { name: string } }, listeners: { kind: string; metadata: { name: string } }[]): Promise<string> {
    const objects = [connector, ...listeners];
    if (output === 'name') return objects.map((o) => `${o.kind.toLowerCase()}.skupper.io/${o.metadata.name}\n`).join('');
    return renderObjects(objects, output as 'yaml' | 'json');
  }
}
