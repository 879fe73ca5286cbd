import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
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
  wait = Option.Boolean('--wait', true, { description: 'Wait until the Link is gone (default); --no-wait returns at once' });

  async run(): Promise<number> {
    checkName(this.name, 'link name');
    const timeoutMs = this.timeoutMs();
    const { deleteLink } = await import('../../link/links.js');
    const result = await deleteLink(await this.client(), this.name, { wait: this.wait, timeoutMs });
    this.out(`Link "${result.link}" is deleted${result.secret ? `, with its Secret "${result.secret}"` : ''}.`);
    return 0;
  }
}
