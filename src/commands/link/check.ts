import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { parseOutputFormat, renderObjects, table } from '../../cli/output.js';
import { style } from '../../cli/style.js';
import type { EndpointCheck, StepResult } from '../../link/check.js';
import { checkName } from '../../site/validate.js';

export class LinkCheckCommand extends ClusterCommand {
  static override paths = [['link', 'check']];
  static override usage = Command.Usage({
    category: 'Links',
    description: 'Test each link from here: TCP, certificates, and mutual TLS',
    details: `
      For each link (or the one named), dials every endpoint with the link's own Secret and reports whether TCP connects,
      whether the remote site's certificate is trusted by the link's CA, whether the remote site accepts our client
      certificate, and when the certificates expire. Run it from a machine that can reach the endpoints.
      Exits 1 when any check fails.
    `,
    examples: [
      ['Check every link of the site', '$0 link check'],
      ['Check one link, as JSON', '$0 link check link-west-skupper-router -o json'],
    ],
  });

  name = Option.String({ name: 'name', required: false });
  output = Option.String('-o,--output', { description: 'Output format: yaml or json' });
  static override defaultTimeout = '5s';

  async run(): Promise<number> {
    if (this.name !== undefined) checkName(this.name, 'link name');
    const format = parseOutputFormat(this.output);
    const timeoutMs = this.timeoutMs();
    const { listLinks } = await import('../../link/links.js');
    const { checkLink } = await import('../../link/check.js');
    const client = await this.client();
    const links = await listLinks(client, this.name);
    if (links.length === 0) {
      this.out(`There are no link resources in namespace "${client.namespace}".`);
      return 0;
    }
    const results = (await Promise.all(links.map((l) => checkLink(client, l, timeoutMs)))).flat();
    const failed = results.some((r) => !r.tcp.ok || !r.serverTrusted.ok || !r.clientAccepted.ok);
    if (format) {
      this.context.stdout.write(await renderObjects(results, format));
      return failed ? 1 : 0;
    }
    const s = style(this.context);
    const cell = (r: StepResult) => (r.ok === true ? s.green('yes') : r.ok === false ? s.red('no') : '-');
    const rows = results.map((r) => [r.link, r.endpoint, r.address, cell(r.tcp), cell(r.serverTrusted), cell(r.clientAccepted), (r.clientCertExpires ?? '').slice(0, 10)]);
    let text = table(['LINK', 'ENDPOINT', 'ADDRESS', 'TCP', 'SERVER TRUSTED', 'CLIENT ACCEPTED', 'CERT EXPIRES'], rows);
    const problems = results.flatMap(explain);
    if (problems.length > 0) text += `\n${problems.join('\n')}\n`;
    this.context.stdout.write(text);
    return failed ? 1 : 0;
  }
}

function explain(r: EndpointCheck): string[] {
  const where = `${r.link} ${r.endpoint} (${r.address})`;
  for (const [step, result] of [['TCP', r.tcp], ['server certificate', r.serverTrusted], ['client certificate', r.clientAccepted]] as const) {
    if (result.ok !== true && result.detail !== 'not tried') return [`${where}: ${step}: ${result.detail}`];
  }
  return [];
}
