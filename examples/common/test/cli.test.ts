import { describe, expect, it } from 'vitest';
import { numberOption, sharedRunOptions } from '../src/cli.js';

describe('numberOption', () => {
  const values = { epochs: '5', rate: '0.001', split: '0.1', zero: '0', half: '2.5', text: 'ten', empty: '' };

  it('reads numbers that fit their kind', () => {
    expect(numberOption(values, 'epochs', 'count')).toBe(5);
    expect(numberOption(values, 'rate', 'positive')).toBe(0.001);
    expect(numberOption(values, 'split', 'fraction')).toBe(0.1);
    expect(numberOption(values, 'zero', 'nonNegative')).toBe(0);
    expect(numberOption(values, 'zero', 'fraction')).toBe(0);
  });

  it('rejects what does not fit, naming the option, the rule and the value', () => {
    expect(() => numberOption(values, 'half', 'count')).toThrow('--half must be a positive integer, got 2.5');
    expect(() => numberOption(values, 'zero', 'positive')).toThrow('--zero must be a positive number, got 0');
    expect(() => numberOption(values, 'epochs', 'fraction')).toThrow('--epochs must be a number in [0, 1), got 5');
    expect(() => numberOption(values, 'text', 'nonNegative')).toThrow('--text must be a number ≥ 0, got ten');
    expect(() => numberOption(values, 'empty', 'count')).toThrow('--empty must be a positive integer, got ');
    expect(() => numberOption(values, 'missing', 'count')).toThrow('--missing must be a positive integer, got nothing');
  });
});

describe('sharedRunOptions', () => {
  it('reads the options every MNIST program shares, leaving out what was not given', () => {
    const given = { epochs: '3', 'batch-size': '64', 'learning-rate': '0.002', seed: '7', limit: '500', save: 'file:///tmp/m' };
    expect(sharedRunOptions(given)).toEqual({ epochs: 3, batchSize: 64, learningRate: 0.002, seed: 7, limit: 500, save: 'file:///tmp/m' });
    expect(sharedRunOptions({ ...given, limit: undefined, save: undefined })).toEqual({ epochs: 3, batchSize: 64, learningRate: 0.002, seed: 7 });
    expect(() => sharedRunOptions({ ...given, 'batch-size': '0' })).toThrow('--batch-size must be a positive integer, got 0');
  });
});
