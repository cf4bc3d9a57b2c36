import { describe, expect, it } from 'vitest';
import type { Libraries } from '../src/libraries.js';
import { quiesceNode } from '../src/quiesce.js';
import { runCases } from '../src/runner.js';
import type { CaseDef } from '../src/runner.js';
import { QUICK_PLAN } from '../src/stats.js';
import type { Target } from '../src/types.js';

const targets: Target[] = [
  { id: 'strata:a', library: 'strata', backend: 'a', environment: 'node', label: 'strata a', anchor: false },
  { id: 'strata:b', library: 'strata', backend: 'b', environment: 'node', label: 'strata b', anchor: false },
];

describe('runner', () => {
  it('quiesces after activating each target and before preparing its case', async () => {
    const events: string[] = [];
    const libs = { st: { setBackend: async (name: string) => { events.push(`activate ${name}`); } } } as unknown as Libraries;
    const def: CaseDef = {
      name: 'noop', unit: 'ops/s', work: { ops: 1 },
      prepare: { strata: (ctx) => { events.push(`prepare ${ctx.target.backend}`); return { run: () => undefined, dispose: () => undefined }; } },
    };
    const reports = await runCases('kernels', [def], targets, libs, {
      plan: QUICK_PLAN, quick: true, quiesce: async () => { events.push('quiesce'); },
    });
    expect(events).toEqual(['activate a', 'quiesce', 'prepare a', 'activate b', 'quiesce', 'prepare b']);
    expect(Object.values(reports[0]!.results).every((r) => r.ok)).toBe(true);
  });

  it("quiesceNode runs a full garbage collection (an unreachable object's WeakRef is cleared)", async () => {
    let weak: WeakRef<object> | undefined;
    (() => { weak = new WeakRef({ payload: new Float64Array(1 << 16) }); })();
    // A WeakRef's target survives the job that created it, so collect in a later one.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await quiesceNode();
    expect(weak!.deref()).toBeUndefined();
  });
});
