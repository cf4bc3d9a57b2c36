// Joins the GPU check's results into one table with ratios against PyTorch and the issue's goals.
// Usage: node report.mjs <dir with conformance.json, strata.json, torch.json>
// Exit status: 0 all goals met; 1 conformance failed or memory grew (or a step did not run);
// 4 correct, but a speed goal was missed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const read = (name) => (existsSync(join(dir, name)) ? JSON.parse(readFileSync(join(dir, name), 'utf8')) : null);
const conformance = read('conformance.json');
const strata = read('strata.json');
const torch = read('torch.json');

const rows = [];
let broken = false;
let slow = false;
const row = (check, ours, theirs, ratio, goal, met, correctness = false) => {
  rows.push([check, ours, theirs, ratio, goal, met === null ? 'n/a' : met ? 'yes' : 'NO']);
  if (met === false) { if (correctness) broken = true; else slow = true; }
};

if (conformance === null) {
  row('conformance suite', 'did not run', '', '', 'all pass', false, true);
} else {
  const results = conformance.results ?? conformance.checks ?? [];
  const count = (status) => results.filter((r) => r.status === status).length;
  const failed = count('fail');
  row('conformance suite', `${count('pass')} pass, ${failed} fail, ${count('skip')} skip`, '', '', 'no failures', results.length > 0 && failed === 0, true);
}

if (strata === null || torch === null) {
  row('benchmarks', strata === null ? 'strata side did not run' : 'ok', torch === null ? 'pytorch side did not run' : 'ok', '', '', false, true);
} else {
  for (const [engine, goal] of [['cublas', 0.9], ['hand', 0.5]]) {
    for (const [n, theirs] of Object.entries(torch.matMul)) {
      const ours = strata.matMul[engine]?.[n];
      if (ours === undefined) { row(`matMul ${n}³ fp32 (${engine})`, 'not run', `${theirs.toFixed(0)} GFLOP/s`, '', `≥ ${goal}× PyTorch`, null); continue; }
      const ratio = ours / theirs;
      row(`matMul ${n}³ fp32 (${engine})`, `${ours.toFixed(0)} GFLOP/s`, `${theirs.toFixed(0)} GFLOP/s`, `${ratio.toFixed(2)}×`, `≥ ${goal}×`, ratio >= goal);
    }
  }
  for (const name of ['mlp', 'cnn']) {
    const ours = strata.steps[name];
    const theirs = torch.steps[name];
    const ratio = ours / theirs;
    row(`${name.toUpperCase()} training step`, `${ours.toFixed(2)} ms`, `${theirs.toFixed(2)} ms`, `${ratio.toFixed(2)}× the time`, '≤ 1.5× the time', ratio <= 1.5);
  }
  const memory = strata.memory;
  const last = memory.perEpoch.at(-1);
  row(`device memory over ${memory.perEpoch.length} epochs of fit`, `${last.buffers} buffers, ${(last.reservedBytes / 2 ** 20).toFixed(1)} MiB reserved`, '', '', 'flat after epoch 1', !memory.grew, true);
}

const header = ['check', 'strata cuda', 'pytorch', 'ratio', 'goal', 'met'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
const table = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
const devices = `strata: ${strata?.device ?? '?'}\npytorch: ${torch ? `${torch.torch} on ${torch.device}` : '?'}`;
console.log(`\n${devices}\n\n${table}\n`);
writeFileSync(join(dir, 'report.md'), `${devices.replace(/\n/g, '  \n')}\n\n${table}\n`);
const verdict = broken ? 'FAILED: correctness (see NO rows)' : slow ? 'correct, but below a speed goal (see NO rows)' : 'all goals met';
console.log(`gpu-check: ${verdict}`);
process.exitCode = broken ? 1 : slow ? 4 : 0;
