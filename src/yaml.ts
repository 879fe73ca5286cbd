// yaml, loaded on first use (a third of the start-up bundle); bundlers may hand over its CommonJS
// build as a default export.
type YamlModule = typeof import('yaml');

export async function loadYaml(): Promise<YamlModule> {
  const module = (await import('yaml')) as YamlModule & { default?: YamlModule };
  return 'parseAllDocuments' in module && typeof module.parseAllDocuments === 'function' ? module : module.default!;
}

/**
 * yaml's options for reading what a user or a server gave us: a problem in it (an unresolved tag)
 * is ours to report in one line, never a Node YAMLWarning on stderr. The value read is the same.
 */
export const READ_OPTIONS = { logLevel: 'error' } as const;
