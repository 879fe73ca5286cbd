import { Command, Option } from 'clipanion';
import { BaseCommand } from '../../cli/base-command.js';
import { parseOutputFormat, renderObjects } from '../../cli/output.js';
import { listenerManifest } from '../../service/manifests.js';
import { checkListenerHost, checkRoutingKey, checkType, parsePort } from '../../service/validate.js';
import { checkName, checkSubdomain } from '../../site/validate.js';

export class ListenerGenerateCommand extends BaseCommand {
  static override paths = [['listener', 'generate']];
  static override usage = Command.Usage({
    category: 'Services',
    description: 'Print a Listener manifest without touching a cluster',
    details: 'For GitOps: prints the Listener that `listener create` would make, ready for `kubectl apply -f -`. No cluster is contacted.',
    examples: [
      ['Print a listener', '$0 listener generate backend 8080'],
      ['As JSON, for a namespace', '$0 listener generate backend 8080 -n east -o json'],
    ],
  });

  name = Option.String({ name: 'name' });
  port = Option.String({ name: 'port' });
  routingKey = Option.String('-r,--routing-key', { description: 'The key that ties this listener to connectors (default: the name)' });
  host = Option.String('--host', { description: 'The name of the Service clients connect to (default: the name)' });
  tlsCredentials = Option.String('--tls-credentials', { description: 'A Secret with the server certificate clients see' });
  type = Option.String('--type', 'tcp', { description: 'The protocol: tcp (default)' });
  namespace = Option.String('-n,--namespace', { description: 'Set metadata.namespace in the manifest' });
  output = Option.String('-o,--output', 'yaml', { description: 'Output format: yaml or json (default yaml)' });

  async run(): Promise<number> {
    const name = checkName(this.name, 'listener name');
    const port = parsePort(this.port);
    const routingKey = checkRoutingKey(this.routingKey ?? name);
    const host = checkListenerHost(this.host ?? name);
    if (this.tlsCredentials !== undefined) checkSubdomain(this.tlsCredentials, '--tls-credentials Secret name');
    const type = checkType(this.type);
    if (this.namespace !== undefined) checkName(this.namespace, 'namespace');
    const format = parseOutputFormat(this.output)!;
    const listener = listenerManifest({ name, namespace: this.namespace, port, routingKey, host, tlsCredentials: this.tlsCredentials, type });
    this.context.stdout.write(await renderObjects([listener], format, { single: true }));
    return 0;
  }
}
