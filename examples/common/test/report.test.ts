import { describe, expect, it } from 'vitest';
import { reportClassifierRun } from '../src/report.js';

describe('reportClassifierRun', () => {
  const good = { testLoss: 0.0712, testAccuracy: 0.9812, testCount: 10000, buffersPerEpoch: [24, 24, 24], tensorsLeft: 0 };

  it('prints memory, loss and accuracy with the count of correct images, and passes a good run', () => {
    const lines: string[] = [];
    expect(reportClassifierRun(good, 0.975, (l) => lines.push(l))).toEqual([]);
    expect(lines).toEqual([
      'Memory: 24, 24, 24 live buffers after each epoch; 0 tensors left after cleanup',
      'Test loss: 0.0712',
      'Test accuracy: 98.12% (9812/10000)',
    ]);
  });

  it('names every reason a run fails', () => {
    const failures = reportClassifierRun({ ...good, testAccuracy: 0.9745, buffersPerEpoch: [24, 25], tensorsLeft: 3 }, 0.975, () => {});
    expect(failures).toEqual([
      'live buffers changed between epochs: 24, 25',
      '3 tensors were never disposed',
      'test accuracy 97.45% is below the required 97.5%',
    ]);
  });
});
