/** What machine the run was on (Node side). */
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { MachineInfo } from './types.js';

export function machineInfo(loadBefore: readonly number[], browser?: string): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown CPU',
    cores: list.length,
    memoryGiB: totalmem() / 2 ** 30,
    platform: `${platform()} ${release()}`,
    node: process.version,
    loadBefore: [...loadBefore],
    loadAfter: loadavg(),
    ...(browser !== undefined ? { browser } : {}),
  };
}
