#!/usr/bin/env node
// The strata-bench CLI (see README.md); the work is in dist/cli.js (run `npm run build` first).
import { relative } from 'node:path';
import { main } from '../dist/cli.js';

const args = process.argv.slice(2);
const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
const code = await main(args, {
  stdout: (s) => process.stdout.write(s),
  stderr: process.stderr,
  command: ['node', quote(relative(process.cwd(), process.argv[1]) || process.argv[1]), ...args.map(quote)].join(' '),
});
process.exitCode = code;
