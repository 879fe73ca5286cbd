import { Command } from 'clipanion';
import { serviceStatusCommand } from '../../cli/service-commands.js';

export class ConnectorStatusCommand extends serviceStatusCommand('connector') {
  static override paths = [['connector', 'status']];
  static override usage = Command.Usage({
    category: 'Services',
    description: 'Show the status of the connectors of a site',
    details: 'Prints NAME STATUS ROUTING-KEY SELECTOR HOST PORT HAS MATCHING LISTENER MESSAGE for each connector in the namespace (or every namespace with -A), sorted by name, or the details of one with its selected pods. With `--wait configured|ready` it watches until they are; with -w it prints each change until Ctrl-C.',
    examples: [
      ['Show every connector', '$0 connector status'],
      ['Show one connector and the pods it selected', '$0 connector status backend'],
      ['Wait until a listener matches a connector', '$0 connector status backend --wait ready --timeout 2m'],
      ['The selected pods as JSON', '$0 connector status backend -o jsonpath={.status.selectedPods}'],
    ],
  });
}
