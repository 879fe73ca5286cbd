// Entry point of the single-file CommonJS bundle that goes into the packaged executables
// (scripts/package.mjs). Like src/main.ts, without top-level await, which CommonJS (the only
// format a Node 24 single executable can start from) does not have.
import { runFromProcess } from '../src/cli/run.js';

void runFromProcess();
