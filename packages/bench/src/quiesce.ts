/**
 * Node's quiesce step between measurements (RunOptions.quiesce). A previous target (TF.js' plain-JS
 * backend above all) leaves hundreds of megabytes of garbage, and V8 collects it on background
 * threads that would otherwise share the cores with the next target's threads while it is timed
 * (measured: a two-thread matMul 1024³ ran 18% slower right after TF.js cpu).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { quiesceWith } from './runner.js';

let collect: (() => void) | undefined;

/** V8's `gc()`, exposed at run time: `--expose-gc` on the command line would also reach the worker threads, which refuse it. */
function gcFunction(): () => void {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  return collect;
}

export function quiesceNode(): Promise<void> {
  return quiesceWith(gcFunction());
}
