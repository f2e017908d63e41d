import { defineConfig, type Options } from 'tsup';

/**
 * The one build configuration every package shares: ESM + CJS + declarations for Node 20,
 * one entry per public subpath. Dependencies and peer dependencies stay external.
 */
export function packageBuild(entry: Record<string, string>, overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: true,
    treeshake: true,
    outDir: 'dist',
    tsconfig: '../../tsconfig.build.json',
    ...overrides,
  });
}
