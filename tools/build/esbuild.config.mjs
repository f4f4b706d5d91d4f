import swc from 'unplugin-swc';
import { swcOptions } from './swc-options.mjs';

/**
 * The apps' production bundles (the `esbuildConfig` of the Nx esbuild executor): one ES module
 * per entry point, such as `dist/apps/auth/main.js`, with npm packages left external and listed
 * in the generated package.json and lock file. SWC transforms the TypeScript so that the bundle
 * keeps the decorator metadata the tests run with.
 * @type {import('esbuild').BuildOptions}
 */
export default {
  plugins: [swc.esbuild(swcOptions)],
  sourcemap: true,
  // Class names survive bundling: Nest's logs and TypeORM's migration records use them.
  keepNames: true,
  // Code the entry points share (the telemetry library, loaded by telemetry.js and used by
  // main.js) is one module in a chunk of its own, not a copy in each: one state between them.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
};
