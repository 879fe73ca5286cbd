import { Command, Option } from 'clipanion';
import { BaseCommand } from '../../cli/base-command.js';
import { parseOutputFormat, renderObjects } from '../../cli/output.js';
import { usageError } from '../../errors.js';
import { connectorManifest } from '../../service/manifests.js';
import { checkRoutingKey, checkType, connectorTarget, parseBoolFlag, parsePort } from '../../service/validate.js';
import { checkName, checkSubdomain } from '../../site/validate.js';

export class ConnectorGenerateCommand extends BaseCommand {
  static override paths = [['connector', 'generate']];
  static override usage = Command.Usage({
    category: 'Services',
    description: 'Print a Connector manifest without touching a cluster',
    details: 'For GitOps: prints the Connector that `connector create` would make, ready for `kubectl apply -f -`. No cluster is contacted, so --workload is not taken here: give its labels with --selector.',
    examples: [
      ['Print a connector for pods labelled app=backend', '$0 connector generate backend 8080'],
      ['For a host, as JSON', '$0 connector generate db 5432 --host db.example.com -o json'],
    ],
  });

  name = Option.String({ name: 'name' });
  port = Option.String({ name: 'port' });
  routingKey = Option.String('-r,--routing-key', { description: 'The key that ties this connector to listeners (default: the name)' });
  host = Option.String('--host', { description: 'A host to connect to, instead of pods' });
  selector = Option.String('--selector', { description: 'The labels of the pods to connect to (default app=<name>)' });
  workload = Option.String('--workload', { description: 'Not taken here (no cluster is read): use --selector with the workload\'s labels' });
  includeNotReady = Option.String('--include-not-ready', { tolerateBoolean: true, description: 'Also connect to pods that are not ready (default false)' });
  tlsCredentials = Option.String('--tls-credentials', { description: 'A Secret the router uses to reach the backend over TLS' });
  type = Option.String('--type', 'tcp', { description: 'The protocol: tcp (default)' });
  namespace = Option.String('-n,--namespace', { description: 'Set metadata.namespace in the manifest' });
  output = Option.String('-o,--output', 'yaml', { description: 'Output format: yaml or json (default yaml)' });

  async run(): Promise<number> {
    const name = checkName(this.name, 'connector name');
    const port = parsePort(this.port);
    const routingKey = checkRoutingKey(this.routingKey ?? name);
    if (this.workload !== undefined) throw usageError(`generate does not read a cluster, so it cannot copy --workload's selector: use --selector with its labels (see "kubectl get ${this.workload} -o jsonpath={.spec.selector}")`);
    const target = connectorTarget(name, { host: this.host, selector: this.selector });
    const includeNotReady = parseBoolFlag(this.includeNotReady, '--include-not-ready');
    if (this.tlsCredentials !== undefined) checkSubdomain(this.tlsCredentials, '--tls-credentials Secret name');
    const type = checkType(this.type);
    if (this.namespace !== undefined) checkName(this.namespace, 'namespace');
    const format = parseOutputFormat(this.output)!;
    const connector = connectorManifest({ name, namespace: this.namespace, port, routingKey, ...target, includeNotReady, tlsCredentials: this.tlsCredentials, type } as Parameters<typeof connectorManifest>[0]);
    this.context.stdout.write(await renderObjects([connector], format, { single: true }));
    return 0;
  }
}
