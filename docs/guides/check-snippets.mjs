#!/usr/bin/env node
// Checks that the guides' code is right: every ```ts block not preceded by `<!-- fragment -->` is
// a complete program. Each one is type-checked (strict, against the built packages) and run with
// Node; the exit code is 1 when any block fails. Build first (`npm run build`).
//
//   node docs/guides/check-snippets.mjs [guide.md ...]      (default: every guide)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const guidesDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(guidesDir, '..', '..');
const require = createRequire(join(repoRoot, 'package.json'));
const ts = require('typescript');

/** Workspace packages by name → their folder (`node_modules/@strata/*` links to them). */
function strataPackages() {
  const scope = join(repoRoot, 'node_modules', '@strata');
  return new Map(readdirSync(scope).map((name) => [`@strata/${name}`, join(scope, name)]));
}

/** The runnable blocks of a guide, with the line each starts on. */
function blocks(file) {
  const md = readFileSync(file, 'utf8');
  const found = [];
  for (const m of md.matchAll(/(<!--\s*fragment\s*-->\s*\n)?```ts\n([\s\S]*?)```/g)) {
    if (m[1]) continue;
    found.push({ line: md.slice(0, m.index).split('\n').length, code: m[2] });
  }
  return found;
}

/** Rewrites bare package imports to absolute file URLs, so the program runs from a temp folder. */
function resolveImports(js) {
  return js.replace(/(from\s+|import\s*\(\s*|import\s+)(['"])([^'"./][^'"]*)\2/g, (all, head, q, spec) => {
    if (spec.startsWith('node:')) return all;
    return `${head}${q}${import.meta.resolve(spec)}${q}`; // resolved from the repository's node_modules
  });
}

const files = process.argv.length > 2
  ? process.argv.slice(2)
  : readdirSync(guidesDir).filter((f) => f.endsWith('.md')).map((f) => join(guidesDir, f));
const work = mkdtempSync(join(tmpdir(), 'strata-guides-'));
const programs = files.flatMap((file) => blocks(file).map((b, i) => ({ ...b, file, name: `${basename(file, '.md')}-${i + 1}` })));
let failures = 0;

try {
  // Type-check every block as its own ES module against the packages' declarations.
  const paths = {};
  for (const [name, dir] of strataPackages()) {
    paths[name] = [join(dir, 'dist', 'index.d.ts')];
    paths[`${name}/*`] = [join(dir, 'dist', '*')];
  }
  paths['@tensorflow/*'] = [join(repoRoot, 'node_modules', '@tensorflow', '*')];
  for (const p of programs) writeFileSync(join(work, `${p.name}.mts`), `${p.code}\nexport {};\n`);
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', noEmit: true, skipLibCheck: true,
      lib: ['ES2022', 'DOM', 'ESNext.Disposable'], types: ['node'], typeRoots: [join(repoRoot, 'node_modules', '@types')], paths,
    },
    files: programs.map((p) => `${p.name}.mts`),
  }));
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', work], { encoding: 'utf8', stdio: 'pipe' });
    console.log(`types: ${programs.length} blocks ok`);
  } catch (err) {
    failures++;
    console.log(`types: errors\n${err.stdout}${err.stderr}`);
  }

  // Run each block with Node.
  for (const p of programs) {
    const js = ts.transpileModule(p.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const file = join(work, `${p.name}.mjs`);
    writeFileSync(file, resolveImports(js));
    const where = `${relative(repoRoot, p.file)}:${p.line}`;
    const started = Date.now();
    try {
      execFileSync(process.execPath, [file], { cwd: work, encoding: 'utf8', stdio: 'pipe', timeout: 300_000 });
      console.log(`ok   ${where} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    } catch (err) {
      failures++;
      console.log(`FAIL ${where}\n${String(err.stdout ?? '').slice(-2000)}${String(err.stderr ?? err.message).slice(-3000)}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failures > 0 ? 1 : 0;
