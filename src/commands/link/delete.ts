import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { DRY_RUN_HELP, dryRunNote, parseDryRun } from '../../cli/dry-run.js';
import { checkName } from '../../site/validate.js';

export class LinkDeleteCommand extends ClusterCommand {
  static override paths = [['link', 'delete']];
  static override usage = Command.Usage({
    category: 'Links',
    description: 'Delete a link',
    details: 'Deletes the Link, and its credentials Secret when kubectl-skupper made it and no other Link uses it.',
    examples: [['Delete a link', '$0 link delete link-west-skupper-router']],
  });

  name = Option.String({ name: 'name' });
  dryRun = Option.String('--dry-run', { description: `Only check: ${DRY_RUN_HELP}` });
  noWait = Option.Boolean('--no-wait', false, { description: 'Return once the delete is requested, without waiting until the Link is gone (default: wait)' });

  async run(): Promise<number> {
    checkName(this.name, 'link name');
    const dryRun = parseDryRun(this.dryRun);
    const timeoutMs = this.timeoutMs();
    const { deleteLink } = await import('../../link/links.js');
    const client = await this.client();
    const result = await deleteLink(client, this.name, { wait: !this.noWait, timeoutMs, dryRun });
    const secret = result.secret ? `, with its Secret "${result.secret}"` : '';
    if (dryRun) this.out(`Link "${result.link}" is deleted${secret}${dryRunNote(dryRun)}.`);
    else this.out(result.gone ? `Link "${result.link}" is deleted${secret}.` : `Link "${result.link}" is being deleted${secret}: the delete is requested (check with "kubectl skupper link status${client.flags}").`);
    return 0;
  }
}
