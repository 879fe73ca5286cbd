import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { DRY_RUN_HELP, dryRunNote, parseDryRun } from '../../cli/dry-run.js';
import { checkName } from '../../site/validate.js';

export class SiteDeleteCommand extends ClusterCommand {
  static override paths = [['site', 'delete']];
  static override usage = Command.Usage({
    category: 'Sites',
    description: 'Delete a site',
    details: 'Deletes the Site resource; the Skupper controller then removes the router and everything it made for the site. With one site in the namespace the name may be left out. Waits until the Site is gone unless `--no-wait`; `--timeout 0` checks once.',
    examples: [
      ['Delete the site of the current namespace', '$0 site delete'],
      ['Delete a named site without waiting', '$0 site delete west --no-wait'],
      ['Delete the site and every other Skupper resource of the namespace', '$0 site delete --all'],
      ['See what would be deleted', '$0 site delete --all --dry-run=server'],
    ],
  });

  name = Option.String({ name: 'name', required: false });
  all = Option.Boolean('--all', false, { description: 'Also delete every other Skupper resource in the namespace (links, listeners, connectors, grants, tokens...), as upstream does' });
  dryRun = Option.String('--dry-run', { description: `Only check: ${DRY_RUN_HELP}` });
  noWait = Option.Boolean('--no-wait', false, { description: 'Return once the delete is requested, without waiting until the Site is gone (default: wait)' });

  async run(): Promise<number> {
    if (this.name !== undefined) checkName(this.name);
    const dryRun = parseDryRun(this.dryRun);
    const timeoutMs = this.timeoutMs();
    const { deleteSite } = await import('../../site/sites.js');
    const client = await this.client();
    const { site, gone, others } = await deleteSite(client, this.name, { wait: !this.noWait, timeoutMs, dryRun, all: this.all });
    const withOthers = others.length > 0 ? `, with ${others.length} other Skupper resource${others.length === 1 ? '' : 's'} (${others.join(', ')})` : '';
    const name = site.metadata.name;
    if (dryRun) this.out(`Site "${name}" is deleted${withOthers}${dryRunNote(dryRun)}.`);
    else this.out(gone ? `Site "${name}" is deleted${withOthers}.` : `Site "${name}" is being deleted${withOthers}: the delete is requested (check with "kubectl skupper site status${client.flags}").`);
    return 0;
  }
}
