import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig, type TestUserConfig } from 'vitest/config';
import { swcOptions } from './tools/build/swc-options.mjs';

const root = import.meta.dirname;

/** The `@capstone/*` path aliases of tsconfig.base.json, so tests import libraries by name. */
function workspaceAliases(): Record<string, string> {
  const tsconfig = JSON.parse(readFileSync(resolve(root, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return Object.fromEntries(
    Object.entries(tsconfig.compilerOptions.paths).map(([name, [target]]) => [
      name,
      resolve(root, target),
    ]),
  );
}

/**
 * One Vitest setup for every project. SWC compiles the TypeScript, with the options of the
 * production bundles, because Nest's dependency injection needs decorator metadata, which Vite's
 * own transform does not emit.
 */
export function projectTestConfig(projectDir: string, overrides: TestUserConfig = {}) {
  return defineConfig({
    root: projectDir,
    resolve: { alias: workspaceAliases() },
    plugins: [swc.vite(swcOptions)],
    test: {
      include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
      environment: 'node',
      pool: 'forks',
      fileParallelism: false,
      testTimeout: 30_000,
      hookTimeout: 60_000,
      restoreMocks: true,
      ...overrides,
    },
  });
}
