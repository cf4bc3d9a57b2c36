// `npm run docs` builds cleanly: typedoc.json at the repository root converts every public
// package and the guides, validates (every exported symbol of @strata/core and every member of
// its exported classes and interfaces has a doc comment; links resolve) and renders the site,
// all without a warning. TypeDoc runs in-process, rendering into a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, Logger, LogLevel } from 'typedoc';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Keeps every warning and error TypeDoc reports. */
class CollectingLogger extends Logger {
  readonly messages: string[] = [];
  override log(message: string, level: LogLevel): void {
    super.log(message, level);
    if (level >= LogLevel.Warn) this.messages.push(`${LogLevel[level]}: ${message}`);
  }
}

describe('API documentation (npm run docs)', () => {
  it('converts, validates and renders every package and guide without a warning', async () => {
    const out = mkdtempSync(join(tmpdir(), 'strata-docs-'));
    const cwd = process.cwd();
    process.chdir(repoRoot); // the paths in typedoc.json are relative to the repository root
    try {
      const app = await Application.bootstrapWithPlugins({ options: join(repoRoot, 'typedoc.json') });
      const logger = new CollectingLogger();
      app.logger = logger;
      const project = await app.convert();
      expect(project, 'typedoc could not convert the packages').toBeDefined();
      app.validate(project!);
      await app.generateDocs(project!, out);
      expect(logger.messages).toEqual([]);
    } finally {
      process.chdir(cwd);
      rmSync(out, { recursive: true, force: true });
    }
  }, 600_000);
});
