/**
 * What the example programs report about the engine.
 */
import * as st from '@strata/core';

/** Prints every registered backend with its priority, status, and why it is unavailable or how it runs. */
export function printBackends(log: (line: string) => void = console.log): void {
  for (const b of st.backends()) {
    const detail = b.reason ?? b.description;
    log(`  ${b.name} (priority ${b.priority}): ${b.status}${detail ? ` — ${detail}` : ''}`);
  }
}

/**
 * Live tensors plus those the garbage-collection safety net had to free because nobody disposed
 * them: a count that only a leak can raise.
 */
export function undisposedCount(): number {
  const m = st.memory();
  return m.tensors + m.collected;
}
