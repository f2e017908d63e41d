import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import the packages by their public names; these aliases point those names at the sources,
// so `npm test` exercises the code as written, without a build in between.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@botkeel\/core\/testing$/, replacement: source('./packages/core/src/testing/index.ts') },
      { find: /^@botkeel\/core\/openai$/, replacement: source('./packages/core/src/openai/index.ts') },
      { find: /^@botkeel\/core$/, replacement: source('./packages/core/src/index.ts') },
      { find: /^@botkeel\/store-redis$/, replacement: source('./packages/store-redis/src/index.ts') },
      { find: /^@botkeel\/store-postgres$/, replacement: source('./packages/store-postgres/src/index.ts') },
      {
        find: /^@botkeel\/adapter-telegram\/testing$/,
        replacement: source('./packages/adapter-telegram/src/testing/index.ts'),
      },
      {
        find: /^@botkeel\/adapter-telegram$/,
        replacement: source('./packages/adapter-telegram/src/index.ts'),
      },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
