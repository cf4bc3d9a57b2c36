#!/usr/bin/env node
// The strata-bench CLI (see README.md); the work is in dist/cli.js (run `npm run build` first).
import { relative } from 'node:path';
import { main } from '../dist/cli.js';

const args = process.argv.slice(2);
const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
// Strata's own environment settings (e.g. STRATA_WASM_THREADS=1) change what is measured: record them too.
const env = Object.keys(process.env).filter((k) => k.startsWith('STRATA_')).sort().map((k) => `${k}=${quote(process.env[k])}`);
const code = await main(args, {
  stdout: (s) => process.stdout.write(s),
  stderr: process.stderr,
  command: [...env, 'node', quote(relative(process.cwd(), process.argv[1]) || process.argv[1]), ...args.map(quote)].join(' '),
});
process.exitCode = code;
