import { Command } from 'clipanion';
import { serviceStatusCommand } from '../../cli/service-commands.js';

export class ListenerStatusCommand extends serviceStatusCommand('listener') {
  static override paths = [['listener', 'status']];
  static override usage = Command.Usage({
    category: 'Services',
    description: 'Show the status of the listeners of a site',
    details: 'Prints NAME STATUS ROUTING-KEY HOST PORT MATCHING-CONNECTOR MESSAGE for each listener in the namespace (or every namespace with -A), sorted by name, or the details of one. With `--wait configured|ready` it watches until they are; with -w it prints each change until Ctrl-C.',
    examples: [
      ['Show every listener', '$0 listener status'],
      ['Wait until a connector matches a listener', '$0 listener status backend --wait ready --timeout 2m'],
      ['Show one listener as YAML', '$0 listener status backend -o yaml'],
      ['Watch every listener of the cluster change, until Ctrl-C', '$0 listener status -A -w'],
    ],
  });
}
