// Version and commit, fixed at build time by the bundler; read from package.json when run from source.
import { readFileSync } from 'node:fs';

declare const __BUILD_INFO__: { version: string; commit: string } | undefined;

function fromSource(): { version: string; commit: string } {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return { version: pkg.version, commit: '' };
}

export const buildInfo: { version: string; commit: string } = typeof __BUILD_INFO__ !== 'undefined' ? __BUILD_INFO__ : fromSource();
