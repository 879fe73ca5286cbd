import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
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
    ],
  });

  name = Option.String({ name: 'name', required: false });
  noWait = Option.Boolean('--no-wait', false, { description: 'Return once the delete is requested, without waiting until the Site is gone (default: wait)' });

  async run(): Promise<number> {
    if (this.name !== undefined) checkName(this.name);
    const timeoutMs = this.timeoutMs();
    const { deleteSite } = await import('../../site/sites.js');
    const { site, gone } = await deleteSite(await this.client(), this.name, { wait: !this.noWait, timeoutMs });
    this.out(gone ? `Site "${site.metadata.name}" is deleted.` : `Site "${site.metadata.name}" is being deleted: the delete is requested (check with "kubectl skupper site status").`);
    return 0;
  }
}
