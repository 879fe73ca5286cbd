import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../cli/base-command.js';
import { parseOutputFormat, renderObjects } from '../cli/output.js';
import { style } from '../cli/style.js';
import type { CheckStatus } from '../doctor/check.js';
import type { DoctorReport } from '../doctor/doctor.js';
import { checkName } from '../site/validate.js';

export class DoctorCommand extends ClusterCommand {
  static override paths = [['doctor']];
  static override usage = Command.Usage({
    category: 'Network',
    description: 'Check a site and say what is wrong and how to fix it',
    details: `
      One line per check, with a mark and, when it does not pass, the fix: the Skupper CRDs, the controller, the Site Ready
      at its current generation, link access with each endpoint dialled over mutual TLS from here, the site CA and server
      certificates (days left), each Link (with the link check diagnosis when it is not Ready), a grant server for tokens,
      this machine's clock against the API server's, and your permissions for the common tasks.
      Marks: ✓ pass, ✗ fail, ! doubt (optional, or the doctor cannot tell), - skipped. Exits 0 when nothing failed, 1 otherwise.
    `,
    examples: [
      ['Check the site of the current namespace', '$0 doctor'],
      ['Check a site in another context, for a script', '$0 doctor --context west -n team-a -o json'],
    ],
  });

  name = Option.String({ name: 'site', required: false });
  output = Option.String('-o,--output', { description: 'Output format: yaml or json (default: a checklist)' });
  static override defaultTimeout = '10s';

  async run(): Promise<number> {
    if (this.name !== undefined) checkName(this.name);
    const format = parseOutputFormat(this.output);
    const timeoutMs = this.timeoutMs();
    const { runDoctor, doctorClock } = await import('../doctor/doctor.js');
    const client = await this.client();
    const report = await runDoctor(client, { context: this.kubeContext || undefined, siteName: this.name, timeoutMs: timeoutMs > 0 ? Math.min(timeoutMs, 5000) : 5000, clock: doctorClock(this.context.env) });
    if (format) this.context.stdout.write(await renderObjects([report], format, { single: true }));
    else this.context.stdout.write(this.render(report));
    return report.passed ? 0 : 1;
  }

  private render(report: DoctorReport): string {
    const s = style(this.context);
    const marks: Record<CheckStatus, string> = { pass: s.green('✓'), fail: s.red('✗'), warn: s.yellow('!'), skip: s.dim('-') };
    const width = Math.max(...report.checks.map((c) => c.title.length));
    const lines = report.checks.flatMap((c) => [`${marks[c.status]} ${c.title.padEnd(width)}   ${c.detail}`, ...(c.fix && c.status !== 'pass' ? [`  ${' '.repeat(width)}   fix: ${c.fix}`] : [])]);
    const count = (status: CheckStatus) => report.checks.filter((c) => c.status === status).length;
    const head = `Site ${report.site ? `"${report.site}"` : '(none)'} in namespace "${report.namespace}"${report.context ? `, context "${report.context}"` : ''}:`;
    const summary = `${count('pass')} passed, ${count('fail')} failed, ${count('warn')} doubtful, ${count('skip')} skipped`;
    return `${head}\n${lines.join('\n')}\n\n${summary}\n`;
  }
}
