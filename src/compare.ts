// Text order for sorted output: by UTF-16 code unit, like kubectl's (Go's) byte-wise sort for the
// ASCII names Kubernetes allows, and the same on every machine. localeCompare depends on the
// locale, and its first call builds ICU's collator: about 6 ms of every command's start here.
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
