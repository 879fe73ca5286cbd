// Colour only for terminals, and never when NO_COLOR is set (https://no-color.org).
export interface Style {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const wrap = (code: number, reset: number) => (text: string) => `\u001b[${code}m${text}\u001b[${reset}m`;
const plain = (text: string) => text;

export function style(context: { env: Record<string, string | undefined>; colorDepth: number }): Style {
  const enabled = context.colorDepth > 1 && !context.env.NO_COLOR;
  if (!enabled) return { red: plain, green: plain, yellow: plain, dim: plain, bold: plain };
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}
