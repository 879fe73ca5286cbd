import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { usageError } from '../../errors.js';
import { checkName } from '../../site/validate.js';
import { linkTable } from './status.js';
import { stays } from '../../cli/stays.js';

export class LinkSitesCommand extends ClusterCommand {
  static override paths = [['link', 'sites']];
  static override usage = Command.Usage({
    category: 'Links',
    description: 'Link two sites that this kubeconfig reaches, in one step',
    details: `
      For two sites whose clusters one kubeconfig reaches. Makes a client certificate signed by the --to site's CA, creates it
      as a Secret on the --from site with one Link per endpoint group of the --to site, waits until the links are Ready, and
      prints their status. Nothing is enabled silently: the --to site must have link access on. No file with a key is written.
      A site is CONTEXT or CONTEXT/NAMESPACE (default: the context's namespace, or -n).
    `,
    examples: [
      ['Link the site in context east to the site in context west', '$0 link sites --from east --to west'],
      ['Two namespaces of one cluster, cost 5', '$0 link sites --from prod/team-a --to prod/team-b --cost 5'],
    ],
  });

  from = Option.String('--from', { description: 'The site that makes the link: CONTEXT[/NAMESPACE]' });
  to = Option.String('--to', { description: 'The site it links to (needs link access): CONTEXT[/NAMESPACE]' });
  name = Option.String('--name', { description: 'Name of the Link and its Secret (default link-<site>-<group>, Secret link-<site>)' });
  cost = Option.String('--cost', '1', { description: 'The cost of sending traffic over the link (a positive integer)' });
  wait = Option.String('--wait', 'ready', { description: 'ready: wait until the links are Ready (default); none: return once they exist' });
  static override defaultTimeout = '60s';

  async run(): Promise<number> {
    if (!this.from || !this.to) throw usageError('link sites needs both --from and --to, each CONTEXT or CONTEXT/NAMESPACE: see "kubectl skupper link sites --help"');
    const cost = Number(this.cost);
    if (!Number.isInteger(cost) || cost < 1) throw usageError(`invalid --cost "${this.cost}": use a positive whole number`);
    if (this.wait !== 'ready' && this.wait !== 'none') throw usageError(`invalid --wait "${this.wait}": use ready or none`);
    if (this.name !== undefined) checkName(this.name, 'link name');
    if (this.kubeContext !== undefined) throw usageError('link sites takes its contexts from --from and --to: drop --context');
    const timeoutMs = this.timeoutMs();
    const started = Date.now();
    const { parseSiteRef } = await import('../../network/refs.js');
    const fromRef = parseSiteRef(this.from, '--from');
    const toRef = parseSiteRef(this.to, '--to');
    const { connectTo } = await import('../../network/read.js');
    const settings = this.connectionSettings();
    const [fromClient, toClient] = await Promise.all([connectTo(fromRef, settings), connectTo(toRef, settings)]);
    const { renderTargetFlags } = await import('../../kube/target-flags.js');
    // How a person names each end, --kubeconfig kept, for the commands messages suggest.
    const flags = (context: string, namespace: string) => renderTargetFlags({ kubeconfig: this.kubeconfig, context, namespace }).trim();
    const { linkSites } = await import('../../link/sites.js');
    const { Operation } = await import('../../operation.js');
    const op = new Operation();
    const { waitForLinks } = await import('../../link/links.js');
    const result = await linkSites(
      { client: fromClient, flags: flags(fromRef.context, fromClient.namespace) },
      { client: toClient, flags: flags(toRef.context, toClient.namespace) },
      { name: this.name, cost, op },
    );
    const names = result.links.map((l) => l.metadata.name);
    // All of it stands from here: a timed-out wait or a signal says so, and how to see or remove it.
    const fromFlags = ` ${flags(fromRef.context, fromClient.namespace)}`;
    const standing = `Secret "${result.secret}" and ${names.length === 1 ? 'Link' : 'Links'} ${names.map((n) => `"${n}"`).join(', ')} were created on site "${result.from.metadata.name}" (${fromRef.context}/${fromClient.namespace}) and stay`;
    const inspect = `check: kubectl skupper link status${fromFlags}; remove: kubectl skupper link delete ${names[0]}${fromFlags}`;
    op.done(`${standing}, not yet Ready; ${inspect}`);
    let links = result.links;
    if (this.wait === 'ready') {
      this.progress(`Waiting for ${names.join(', ')} to be ready...`);
      // One deadline for the whole command: the wait gets what the API calls left of it.
      links = await waitForLinks(fromClient, names, Math.max(1, timeoutMs - (Date.now() - started))).catch((err: unknown) => {
        throw stays(err, `${standing}; ${inspect}`);
      });
    }
    this.out(`Site "${result.from.metadata.name}" (${fromRef.context}/${fromClient.namespace}) links to site "${result.to.metadata.name}" (${toRef.context}/${toClient.namespace}) with ${names.length === 1 ? 'Link' : 'Links'} ${names.map((n) => `"${n}"`).join(', ')} and Secret "${result.secret}":`);
    this.context.stdout.write(linkTable(links));
    (await import('../../interrupt.js')).onInterruptSay(`the command completed: ${standing}; ${inspect}`);
    return 0;
  }
}
