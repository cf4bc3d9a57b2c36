import { describe, expect, it } from 'vitest';
import { UsageError, parseBenchArgs } from '../src/args.js';

describe('parseBenchArgs', () => {
  it('has defaults: every available backend and installed anchor, the kernels suite', () => {
    const o = parseBenchArgs([]);
    expect(o).toMatchObject({ backends: undefined, anchors: undefined, suites: ['kernels'], quick: false, browser: false, help: false });
    expect(o.json).toBeUndefined();
  });

  it('reads every flag, in both --flag value and --flag=value forms', () => {
    const o = parseBenchArgs(['--backends', 'wasm-simd,cpu', '--suite=training,e2e', '--anchors', 'onnx', '--json', 'a.json', '--html=b.html', '--markdown', 'c.md', '--quick', '--browser']);
    expect(o.backends).toEqual(['wasm-simd', 'cpu']);
    expect(o.suites).toEqual(['training', 'e2e']);
    expect(o.anchors).toEqual(['onnx']);
    expect([o.json, o.html, o.markdown]).toEqual(['a.json', 'b.html', 'c.md']);
    expect(o.quick && o.browser).toBe(true);
  });

  it('expands --suite all in report order and accepts --anchors none', () => {
    expect(parseBenchArgs(['--suite', 'all']).suites).toEqual(['kernels', 'training', 'e2e']);
    expect(parseBenchArgs(['--suite', 'e2e,kernels']).suites).toEqual(['kernels', 'e2e']);
    expect(parseBenchArgs(['--anchors', 'none']).anchors).toEqual([]);
    expect(parseBenchArgs(['-h']).help).toBe(true);
  });

  it.each([
    [['--backends', 'tpu'], /--backends: unknown value 'tpu'; accepted: cpu, wasm-simd, webgpu, cuda, webgl/],
    [['--suite', 'speed'], /--suite: unknown value 'speed'; accepted: kernels, training, e2e/],
    [['--anchors', 'tfjs,torch'], /--anchors: unknown value 'torch'; accepted: tfjs, onnx/],
    [['--backends'], /--backends needs a value/],
    [['--json', '--quick'], /--json needs a value/],
    [['--suite', ','], /--suite needs a value/],
    [['--html='], /--html needs a file name/],
    [['--quick=yes'], /--quick takes no value/],
    [['--suite', 'kernels', '--suite', 'e2e'], /--suite given twice/],
    [['--fast'], /unknown argument '--fast'; accepted flags: --backends, --suite/],
    [['kernels'], /unknown argument 'kernels'/],
  ])('rejects %j with a message naming the flag', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(UsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});
