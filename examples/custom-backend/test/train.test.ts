import * as st from '@strata/core';
import { expect, it } from 'vitest';
import { registration } from '../src/index.js';
import { trainOnRings } from '../src/rings.js';

it('registers as my-backend', () => {
  expect(registration.name).toBe('my-backend');
  expect(st.registeredBackends()).toContain('my-backend');
});

it('trains an MLP on the rings problem: loss falls and test accuracy is far above chance', async () => {
  await st.setBackend('my-backend');
  const before = st.memory().tensors;
  const result = await trainOnRings({ epochs: 25 });
  expect(result.backend).toBe('my-backend');
  expect(result.losses).toHaveLength(25);
  expect(result.losses.every(Number.isFinite)).toBe(true);
  // Three balanced classes: chance is 1/3 accuracy and a loss of ln 3 ≈ 1.1.
  expect(result.losses.at(-1)!).toBeLessThan(result.losses[0]! / 2);
  expect(result.testAccuracy).toBeGreaterThan(0.85);
  expect(st.memory().tensors).toBe(before);
}, 120_000);
