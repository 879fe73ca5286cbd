import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { usageError } from '../../errors.js';
import { positive } from './issue.js';

export class TokenRedeemCommand extends ClusterCommand {
  static override paths = [['token', 'redeem']];
  static override usage = Command.Usage({
    category: 'Tokens',
    description: 'Redeem a token to link this site to the one that issued it',
    details: `
      Sends the token's code to the issuing site's grant server (TLS 1.3, trusting only the CA in the token) and creates the
      Secret and Link(s) it answers with in this site, owned by the Site. The Link is named after the token, as the issuing
      site named the grant. An expired token is refused at once, without a network call. With \`--via-controller\` the
      token is handed to this site's Skupper controller as an AccessToken instead, for when only the cluster can reach the
      issuer. Running it again after success says the link exists.
    `,
    examples: [
      ['Redeem a token', '$0 token redeem west.yaml'],
      ['Redeem and wait until the link is ready', '$0 token redeem west.yaml --wait ready --timeout 2m'],
      ['Let the site\'s controller redeem it', '$0 token redeem west.yaml --via-controller'],
      ['Redeem a token read from stdin ("-")', 'ssh west cat west.yaml | $0 token redeem -'],
    ],
  });

  file = Option.String({ name: 'file' });
  name = Option.String('--name', { description: 'Name of the Link and its Secret (default: the token\'s name)' });
  cost = Option.String('--cost', { description: 'The cost of the link (default: the cost in the token)' });
  wait = Option.String('--wait', 'none', { description: 'ready: also wait until the link is Ready; none: return once it is created (default none)' });
  viaController = Option.Boolean('--via-controller', false, { description: 'Create an AccessToken for the site\'s controller to redeem, and wait for it' });
  static override defaultTimeout = '60s';

  async run(): Promise<number> {
    if (this.wait !== 'ready' && this.wait !== 'none') throw usageError(`invalid --wait "${this.wait}": use ready or none`);
    const cost = this.cost === undefined ? undefined : positive(this.cost, '--cost');
    // 253 is the longest Secret name; a Link named after it, with "-N" for several groups, must fit as well.
    if (this.name !== undefined && (this.name.length > 240 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(this.name))) throw usageError(`invalid --name "${this.name}": use at most 240 lowercase letters, digits, "-" and "."`);
    const timeoutMs = this.timeoutMs();
    const deadline = Date.now() + timeoutMs;
    const [{ readTokenFile }, { redeemToken }, { Operation }] = await Promise.all([import('../../token/file.js'), import('../../token/redeem.js'), import('../../operation.js')]);
    const token = await readTokenFile(this.file, this.context.stdin);
    const client = await this.client();
    this.progress(this.viaController ? 'Waiting for the site\'s controller to redeem the token...' : 'Redeeming the token...');
    const op = new Operation();
    const result = await redeemToken(client, token, { name: this.name, cost, viaController: this.viaController, timeoutMs, op });
    const links = result.links.map((l) => `"${l}"`).join(', ');
    if (result.existed) {
      this.out(`Link ${links} already exists in namespace "${client.namespace}": token "${token.metadata.name}" was redeemed here before. See "kubectl skupper link status${client.flags}".`);
      op.done();
      return 0;
    }
    this.out(`Token "${token.metadata.name}" redeemed: Link ${links} created in namespace "${client.namespace}". Check it with "kubectl skupper link status${client.flags}".`);
    // All of it stands and is said: a signal from here (during --wait ready) ends the command saying so.
    op.done(`the command completed: token "${token.metadata.name}" was redeemed and Link ${links} stands in namespace "${client.namespace}"; check: kubectl skupper link status${client.flags}; remove: kubectl skupper link delete ${result.links[0]}${client.flags}`);
    if (this.wait === 'ready') {
      const { waitForLinks } = await import('../../link/links.js');
      await waitForLinks(client, result.links, Math.max(1, deadline - Date.now()));
      this.out(`Link ${links} is Ready.`);
    }
    return 0;
  }
}
