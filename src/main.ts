// Entry point: the only place that touches process state.
import { enableCompileCache } from 'node:module';
import { runFromProcess } from './cli/run.js';

// Node keeps compiled bytecode of our modules on disk (under the temp folder): later runs skip
// parsing and compiling the Kubernetes client, ~10% of a cluster command's time.
enableCompileCache?.();
await runFromProcess();
