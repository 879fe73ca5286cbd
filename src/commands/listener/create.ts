import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { DRY_RUN_HELP, dryRunNote, parseDryRun } from '../../cli/dry-run.js';
import { settleService } from '../../cli/service-commands.js';
import { checkListenerHost, checkRoutingKey, checkServiceWait, checkType, parsePort } from '../../service/validate.js';
import { checkName, checkSubdomain } from '../../site/validate.js';

export class ListenerCreateCommand extends ClusterCommand {
  static override paths = [['listener', 'create']];
  static override usage = Command.Usage({
    category: 'Services',
    description: 'Create a listener: a local Service that reaches connectors with the same routing key',
    details: `
      Creates a Listener. The Skupper controller makes a Service named by --host (default: the listener's name) on the
      port, and the router carries its connections to any connector with the same routing key on a linked site.
      Everything is checked first (port, host as a Service name, routing key, the TLS Secret, the name): a refused
      listener makes nothing. Waits until the listener is configured, unless \`--wait ready|none\`.
    `,
    examples: [
      ['Consume the backend exposed on another site', '$0 listener create backend 8080'],
      ['Another routing key and Service name', '$0 listener create db 5432 --routing-key postgres --host database'],
      ['Wait until a connector matches it', '$0 listener create backend 8080 --wait ready'],
    ],
  });

  static override defaultTimeout = '60s';

  name = Option.String({ name: 'name' });
  port = Option.String({ name: 'port' });
  routingKey = Option.String('-r,--routing-key', { description: 'The key that ties this listener to connectors (default: the name)' });
  host = Option.String('--host', { description: 'The name of the Service clients connect to (default: the name)' });
  tlsCredentials = Option.String('--tls-credentials', { description: 'A Secret with the server certificate clients see (it must exist)' });
  type = Option.String('--type', 'tcp', { description: 'The protocol: tcp (default)' });
  dryRun = Option.String('--dry-run', { description: `Only check: ${DRY_RUN_HELP}` });
  wait = Option.String('--wait', 'configured', { description: 'Wait until the listener is configured (default), ready (a connector matches it), or none' });

  async run(): Promise<number> {
    const name = checkName(this.name, 'listener name');
    const port = parsePort(this.port);
    const routingKey = checkRoutingKey(this.routingKey ?? name);
    const host = checkListenerHost(this.host ?? name);
    if (this.tlsCredentials !== undefined) checkSubdomain(this.tlsCredentials, '--tls-credentials Secret name');
    const type = checkType(this.type);
    const wait = checkServiceWait(this.wait);
    const dryRun = parseDryRun(this.dryRun);
    const timeoutMs = this.timeoutMs();
    const { createListener } = await import('../../service/services.js');
    const client = await this.client();
    const listener = await createListener(client, { name, port, routingKey, host, tlsCredentials: this.tlsCredentials, type }, { dryRun });
    if (dryRun) {
      this.out(`Listener "${name}" is created${dryRunNote(dryRun)}.`);
      return 0;
    }
    this.out(await settleService(this, client, 'listener', listener, wait, timeoutMs, 'created'));
    return 0;
  }
}
