// The single executable's main script. The plugin travels as an asset and is compiled here with a
// V8 code cache that scripts/sea-train.cjs made after running commands: Node's own SEA code cache
// holds only what compiling a script compiles at once (little more than its top level), so every
// function a command runs was compiled again at each start. Without the cache asset (targets other
// than the packaging machine's platform) or when V8 rejects it, the bundle compiles as usual.
'use strict';
const { getAsset } = require('node:sea');
const { Script } = require('node:vm');

const name = 'kubectl-skupper.cjs';
let cachedData;
try {
  cachedData = new Uint8Array(getAsset(`${name}.cache`));
} catch {
  cachedData = undefined;
}
// The same wrapper as in scripts/sea-train.cjs, to the byte: V8 checks the source it was made for.
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${getAsset(name, 'utf8')}\n})`, { filename: name, cachedData });
if (process.env.KUBECTL_SKUPPER_CODE_CACHE === 'report') {
  process.stderr.write(`code cache: ${!cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted'}\n`);
}
script.runInThisContext()(exports, require, module, __filename, __dirname);
