import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { DRY_RUN_HELP, dryRunNote, parseDryRun } from '../../cli/dry-run.js';
import { settleService } from '../../cli/service-commands.js';
import { usageError } from '../../errors.js';
import { checkConnectorHost, checkRoutingKey, checkSelector, checkServiceWait, checkType, parseBoolFlag, parsePort, parseWorkload } from '../../service/validate.js';
import { checkName, checkSubdomain } from '../../site/validate.js';

export class ConnectorUpdateCommand extends ClusterCommand {
  static override paths = [['connector', 'update']];
  static override usage = Command.Usage({
    category: 'Services',
    description: 'Change the routing key, port, target or TLS credentials of a connector',
    details: 'Changes only what the flags ask for, with a merge patch; every other field is kept. A new --host replaces the selector and a new --selector or --workload replaces the host. Then waits until the connector is configured again, unless `--wait none`.',
    examples: [
      ['Move a connector to another port', '$0 connector update backend --port 9090'],
      ['Select the pods of another deployment', '$0 connector update backend --workload deployment/backend-v2'],
    ],
  });

  static override defaultTimeout = '60s';

  name = Option.String({ name: 'name' });
  port = Option.String('--port', { description: 'The port of the backend' });
  routingKey = Option.String('-r,--routing-key', { description: 'The key that ties this connector to listeners' });
  host = Option.String('--host', { description: 'A host to connect to, instead of pods' });
  selector = Option.String('--selector', { description: 'The labels of the pods to connect to' });
  workload = Option.String('--workload', { description: 'deployment|service|daemonset|statefulset/<name>: copy that workload\'s selector' });
  includeNotReady = Option.String('--include-not-ready', { tolerateBoolean: true, description: 'Also connect to pods that are not ready (true or false)' });
  tlsCredentials = Option.String('--tls-credentials', { description: 'A Secret the router uses to reach the backend over TLS (it must exist)' });
  type = Option.String('--type', { description: 'The protocol: tcp' });
  dryRun = Option.String('--dry-run', { description: `Only check: ${DRY_RUN_HELP}` });
  wait = Option.String('--wait', 'configured', { description: 'Wait until the connector is configured (default), ready, or none' });

  async run(): Promise<number> {
    checkName(this.name, 'connector name');
    const port = this.port === undefined ? undefined : parsePort(this.port, '--port');
    const routingKey = this.routingKey === undefined ? undefined : checkRoutingKey(this.routingKey);
    const targets = [this.host, this.selector, this.workload].filter((v) => v !== undefined).length;
    if (targets > 1) throw usageError('--host, --selector and --workload cannot be used together: a connector targets a host, a selector or a workload');
    const host = this.host === undefined ? undefined : checkConnectorHost(this.host);
    const selector = this.selector === undefined ? undefined : checkSelector(this.selector);
    const workload = this.workload === undefined ? undefined : parseWorkload(this.workload);
    const includeNotReady = parseBoolFlag(this.includeNotReady, '--include-not-ready');
    if (this.tlsCredentials !== undefined) checkSubdomain(this.tlsCredentials, '--tls-credentials Secret name');
    const type = this.type === undefined ? undefined : checkType(this.type);
    const wait = checkServiceWait(this.wait);
    if ([port, routingKey, host, selector, workload, includeNotReady, this.tlsCredentials, type].every((v) => v === undefined)) {
      throw usageError('nothing to update: pass --port, --routing-key, --host, --selector, --workload, --include-not-ready, --tls-credentials or --type');
    }
    const dryRun = parseDryRun(this.dryRun);
    const timeoutMs = this.timeoutMs();
    const { updateService } = await import('../../service/services.js');
    const client = await this.client();
    const result = await updateService(client, 'connector', this.name, { port, routingKey, host, selector, workload, includeNotReady, tlsCredentials: this.tlsCredentials, type }, { dryRun });
    if (result.changes.length === 0) {
      this.out(`Connector "${this.name}" is unchanged: ${result.unchanged.join(', ')}.`);
      return 0;
    }
    const changes = result.changes.join(', ');
    if (dryRun) {
      this.out(`Connector "${this.name}" is updated${dryRunNote(dryRun)}: ${changes}.`);
      return 0;
    }
    this.out(`${(await settleService(this, client, 'connector', result.object, wait, timeoutMs, 'updated')).slice(0, -1)}: ${changes}.`);
    return 0;
  }
}
