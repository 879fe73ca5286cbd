import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { DRY_RUN_HELP, dryRunNote, parseDryRun } from '../../cli/dry-run.js';
import { settleService } from '../../cli/service-commands.js';
import { checkRoutingKey, checkServiceWait, checkType, connectorTarget, parseBoolFlag, parsePort } from '../../service/validate.js';
import { checkName, checkSubdomain } from '../../site/validate.js';

export class ConnectorCreateCommand extends ClusterCommand {
  static override paths = [['connector', 'create']];
  static override usage = Command.Usage({
    category: 'Services',
    description: 'Create a connector: expose local pods (or a host) to listeners with the same routing key',
    details: `
      Creates a Connector for pods selected by labels (--selector, or the selector of --workload), or for a host. With
      none of them the selector is app=<name>. Listeners with the same routing key on linked sites then reach it.
      Everything is checked first (port, routing key, selector, the workload and its selector, the TLS Secret, the
      name): a refused connector makes nothing. Waits until the connector is configured, unless \`--wait ready|none\`.
    `,
    examples: [
      ['Expose the pods of deployment backend on port 8080', '$0 connector create backend 8080 --workload deployment/backend'],
      ['Expose pods by label', '$0 connector create backend 8080 --selector app=backend,tier=api'],
      ['Expose a host outside the cluster', '$0 connector create db 5432 --host db.example.com --routing-key postgres'],
    ],
  });

  static override defaultTimeout = '60s';

  name = Option.String({ name: 'name' });
  port = Option.String({ name: 'port' });
  routingKey = Option.String('-r,--routing-key', { description: 'The key that ties this connector to listeners (default: the name)' });
  host = Option.String('--host', { description: 'A host to connect to, instead of pods' });
  selector = Option.String('--selector', { description: 'The labels of the pods to connect to (default app=<name>)' });
  workload = Option.String('--workload', { description: 'deployment|service|daemonset|statefulset/<name>: copy that workload\'s selector' });
  includeNotReady = Option.String('--include-not-ready', { tolerateBoolean: true, description: 'Also connect to pods that are not ready (default false)' });
  tlsCredentials = Option.String('--tls-credentials', { description: 'A Secret the router uses to reach the backend over TLS (it must exist)' });
  type = Option.String('--type', 'tcp', { description: 'The protocol: tcp (default)' });
  dryRun = Option.String('--dry-run', { description: `Only check: ${DRY_RUN_HELP}` });
  wait = Option.String('--wait', 'configured', { description: 'Wait until the connector is configured (default), ready (a listener matches it), or none' });

  async run(): Promise<number> {
    const name = checkName(this.name, 'connector name');
    const port = parsePort(this.port);
    const routingKey = checkRoutingKey(this.routingKey ?? name);
    const target = connectorTarget(name, { host: this.host, selector: this.selector, workload: this.workload });
    const includeNotReady = parseBoolFlag(this.includeNotReady, '--include-not-ready');
    if (this.tlsCredentials !== undefined) checkSubdomain(this.tlsCredentials, '--tls-credentials Secret name');
    const type = checkType(this.type);
    const wait = checkServiceWait(this.wait);
    const dryRun = parseDryRun(this.dryRun);
    const timeoutMs = this.timeoutMs();
    const { createConnector } = await import('../../service/services.js');
    const client = await this.client();
    const connector = await createConnector(client, { name, port, routingKey, ...target, includeNotReady, tlsCredentials: this.tlsCredentials, type }, { dryRun });
    if (dryRun) {
      this.out(`Connector "${name}" is created${dryRunNote(dryRun)}.`);
      return 0;
    }
    this.out(await settleService(this, client, 'connector', connector, wait, timeoutMs, 'created'));
    return 0;
  }
}
