import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { DRY_RUN_HELP, dryRunNote, parseDryRun } from '../../cli/dry-run.js';
import { settleService } from '../../cli/service-commands.js';
import { usageError } from '../../errors.js';
import { checkListenerHost, checkRoutingKey, checkServiceWait, checkType, parsePort } from '../../service/validate.js';
import { checkName, checkSubdomain } from '../../site/validate.js';

export class ListenerUpdateCommand extends ClusterCommand {
  static override paths = [['listener', 'update']];
  static override usage = Command.Usage({
    category: 'Services',
    description: 'Change the routing key, host, port or TLS credentials of a listener',
    details: 'Changes only what the flags ask for, with a merge patch; every other field is kept. Then waits until the listener is configured again, unless `--wait none`.',
    examples: [
      ['Move a listener to another port', '$0 listener update backend --port 9090'],
      ['Point it at another routing key and wait for a match', '$0 listener update backend --routing-key backend-v2 --wait ready'],
    ],
  });

  static override defaultTimeout = '60s';

  name = Option.String({ name: 'name' });
  port = Option.String('--port', { description: 'The port of the Service' });
  routingKey = Option.String('-r,--routing-key', { description: 'The key that ties this listener to connectors' });
  host = Option.String('--host', { description: 'The name of the Service clients connect to' });
  tlsCredentials = Option.String('--tls-credentials', { description: 'A Secret with the server certificate clients see (it must exist)' });
  type = Option.String('--type', { description: 'The protocol: tcp' });
  dryRun = Option.String('--dry-run', { description: `Only check: ${DRY_RUN_HELP}` });
  wait = Option.String('--wait', 'configured', { description: 'Wait until the listener is configured (default), ready, or none' });

  async run(): Promise<number> {
    checkName(this.name, 'listener name');
    const port = this.port === undefined ? undefined : parsePort(this.port, '--port');
    const routingKey = this.routingKey === undefined ? undefined : checkRoutingKey(this.routingKey);
    const host = this.host === undefined ? undefined : checkListenerHost(this.host);
    if (this.tlsCredentials !== undefined) checkSubdomain(this.tlsCredentials, '--tls-credentials Secret name');
    const type = this.type === undefined ? undefined : checkType(this.type);
    const wait = checkServiceWait(this.wait);
    if ([port, routingKey, host, this.tlsCredentials, type].every((v) => v === undefined)) throw usageError('nothing to update: pass --port, --routing-key, --host, --tls-credentials or --type');
    const dryRun = parseDryRun(this.dryRun);
    const timeoutMs = this.timeoutMs();
    const { updateService } = await import('../../service/services.js');
    const client = await this.client();
    const result = await updateService(client, 'listener', this.name, { port, routingKey, host, tlsCredentials: this.tlsCredentials, type }, { dryRun });
    if (result.changes.length === 0) {
      this.out(`Listener "${this.name}" is unchanged: ${result.unchanged.join(', ')}.`);
      return 0;
    }
    const changes = result.changes.join(', ');
    if (dryRun) {
      this.out(`Listener "${this.name}" is updated${dryRunNote(dryRun)}: ${changes}.`);
      return 0;
    }
    this.out(`${(await settleService(this, client, 'listener', result.object, wait, timeoutMs, 'updated')).slice(0, -1)}: ${changes}.`);
    return 0;
  }
}
