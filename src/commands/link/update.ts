import { stays } from '../../cli/stays.js';
import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { DRY_RUN_HELP, dryRunNote, parseDryRun } from '../../cli/dry-run.js';
import { SkupperError, usageError } from '../../errors.js';
import { MAX_COST, parseCost } from '../../link/validate.js';
import { checkName, checkSubdomain } from '../../site/validate.js';

export class LinkUpdateCommand extends ClusterCommand {
  static override paths = [['link', 'update']];
  static override usage = Command.Usage({
    category: 'Links',
    description: 'Change the cost or credentials of a link',
    details: 'Changes only what the flags ask for, with a merge patch; every other field of the Link is kept. Then waits until the link is Ready again, unless `--wait none`.',
    examples: [
      ['Make a link more expensive', '$0 link update link-west-skupper-router --cost 5'],
      ['Use other credentials, without waiting', '$0 link update link-west-skupper-router --tls-credentials link-west-2 --wait none'],
    ],
  });

  static override defaultTimeout = '60s';

  name = Option.String({ name: 'name' });
  cost = Option.String('--cost', { description: `The cost of sending traffic over the link, 1 to ${MAX_COST}` });
  tlsCredentials = Option.String('--tls-credentials', { description: 'Name of the Secret with the link credentials (it must exist)' });
  dryRun = Option.String('--dry-run', { description: `Only check: ${DRY_RUN_HELP}` });
  wait = Option.String('--wait', 'ready', { description: 'Wait until the link is ready, or none (default ready)' });

  async run(): Promise<number> {
    checkName(this.name, 'link name');
    const cost = this.cost === undefined ? undefined : parseCost(this.cost);
    if (this.tlsCredentials !== undefined) checkSubdomain(this.tlsCredentials, 'Secret name');
    if (this.wait !== 'ready' && this.wait !== 'none') throw usageError(`invalid --wait "${this.wait}": use ready or none`);
    if (cost === undefined && this.tlsCredentials === undefined) throw usageError('nothing to update: pass --cost or --tls-credentials');
    const dryRun = parseDryRun(this.dryRun);
    const timeoutMs = this.timeoutMs();
    const { updateLink, waitForLinks } = await import('../../link/links.js');
    const client = await this.client();
    const result = await updateLink(client, this.name, { cost, tlsCredentials: this.tlsCredentials }, { dryRun });
    if (result.changes.length === 0) {
      this.out(`Link "${this.name}" is unchanged: ${result.unchanged.join(', ')}.`);
      return 0;
    }
    let pending = '';
    if (this.wait === 'ready' && !dryRun) {
      const standing = `the change stays: Link "${this.name}" was updated (${result.changes.join(', ')}) but is not ready yet; check: kubectl skupper link status ${this.name}${client.flags}`;
      (await import('../../interrupt.js')).onInterruptSay(standing);
      if (timeoutMs > 0) this.progress(`Waiting for link "${this.name}" to be ready...`);
      try {
        await waitForLinks(client, [this.name], timeoutMs);
      } catch (err) {
        // --timeout 0 checks once: a link not ready yet is the answer, not a failure.
        if (!(timeoutMs === 0 && err instanceof SkupperError && err.code === 'TIMEOUT')) throw stays(err, standing);
        pending = ` The ${err.message}`;
      }
    }
    this.out(`Link "${this.name}" is updated${dryRunNote(dryRun)}: ${result.changes.join(', ')}.${pending}`);
    return 0;
  }
}
