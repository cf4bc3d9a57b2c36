import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // --expose-gc lets the safety-net test force a collection.
    pool: 'forks',
    execArgv: ['--expose-gc'],
  },
});
