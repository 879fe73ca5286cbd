import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { parseOutputFormat, renderDocuments, renderObjects } from '../../cli/output.js';
import { usageError } from '../../errors.js';
import { checkName, checkSubdomain } from '../../site/validate.js';
import { MAX_COST, parseCost } from '../../link/validate.js';

export class LinkGenerateCommand extends ClusterCommand {
  static override paths = [['link', 'generate']];
  static override usage = Command.Usage({
    category: 'Links',
    description: 'Print a Link and its credentials for another site to apply',
    details: `
      Run on a site with link access enabled. Prints one Link per endpoint group of the site, and a kubernetes.io/tls Secret
      with a fresh client certificate signed by the site's CA, ready for \`kubectl apply -f\` on the other site.
      By default the certificate is made locally, which reads the site CA's private key (Secret skupper-site-ca): nothing
      is created in this cluster. With \`--via-controller\` the site's Skupper controller signs it instead: a Certificate
      resource is created and its Secret awaited, and the CA is never read (for users whose Role does not allow it; see
      deploy/rbac/). The output holds a private key: protect it.
    `,
    examples: [
      ['Link east to west', '$0 link generate -n west > link.yaml && kubectl apply -f link.yaml -n east'],
      ['Pipe straight into the other cluster', '$0 link generate --context west | kubectl apply --context east -f -'],
      ['Write the manifest to a file readable only by you', '$0 link generate --output-file link.yaml'],
      ['Link to one of two sites in a namespace', '$0 link generate --site west'],
    ],
  });

  name = Option.String('--name', { description: 'Name of the Link (default link-<site>-<group>)' });
  site = Option.String('--site', { description: 'The site to link to, when the namespace has more than one (default: the only site)' });
  tlsCredentials = Option.String('--tls-credentials', { description: 'Name of the Secret with the link credentials (default link-<site>)' });
  cost = Option.String('--cost', '1', { description: `The cost of sending traffic over the link, 1 to ${MAX_COST} (default 1)` });
  generateCredential = Option.Boolean('--generate-credential', true, { description: 'Make the credentials Secret (default true); --generate-credential=false references an existing one' });
  output = Option.String('-o,--output', { description: 'Output format: yaml (documents separated by ---, default) or json (a List)' });
  viaController = Option.Boolean('--via-controller', false, { description: 'Let the site\'s controller sign the credentials (a Certificate resource) instead of reading the site CA here' });
  outputFile = Option.String('--output-file', { description: 'Write the manifest to this file (mode 0600) instead of stdout' });

  async run(): Promise<number> {
    const format = parseOutputFormat(this.output) ?? 'yaml';
    const cost = parseCost(this.cost);
    if (this.name !== undefined) checkName(this.name, 'link name');
    if (this.site !== undefined) checkName(this.site);
    if (this.tlsCredentials !== undefined) checkSubdomain(this.tlsCredentials, 'Secret name');
    if (!this.generateCredential && !this.tlsCredentials) throw usageError('--generate-credential=false needs --tls-credentials naming the Secret the other site already has');
    if (this.outputFile === '') throw usageError('--output-file is empty: name a file, or leave the flag out to print to stdout');
    if (this.viaController && !this.generateCredential) throw usageError('--via-controller makes credentials: it cannot be combined with --generate-credential=false');
    const settings = { site: this.site, name: this.name, tlsCredentials: this.tlsCredentials, cost, generateCredential: this.generateCredential };
    // --via-controller asks the cluster for a Certificate: it stands with the manifest delivered, or not at all.
    const op = this.viaController ? new (await import('../../operation.js')).Operation() : undefined;
    const objects = this.viaController
      ? await (await import('../../link/via-controller.js')).generateLinksViaController(await this.client(), { ...settings, timeoutMs: this.timeoutMs(), op })
      : await (await import('../../link/links.js')).generateLinks(await this.client(), settings);
    const text = format === 'json' ? await renderObjects(objects, 'json') : await renderDocuments(objects);
    if (this.outputFile !== undefined) {
      const { writeSecretFile } = await import('../../files/secret-file.js');
      let path: string;
      try {
        path = await writeSecretFile(this.outputFile, text, { streams: this.context });
      } catch (err) {
        await op?.undo();
        throw err;
      }
      this.context.stderr.write(`Link manifest written to ${path}: apply it on the other site with "kubectl apply -f ${this.outputFile}".\n`);
      op?.done(`the command completed: the link manifest was written to ${path}`);
      return 0;
    }
    this.context.stdout.write(text);
    op?.done('the command completed: the link manifest was printed');
    return 0;
  }
}
