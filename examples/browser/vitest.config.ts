import { defineConfig } from 'vitest/config';

// Its own config so that vitest does not load vite.config.ts (the page's build) for the tests.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 120_000 },
});
