/**
 * How SWC compiles the workspace's TypeScript, for the test runner and the production bundles
 * alike. Nest's dependency injection, TypeORM and Mongoose read decorator metadata
 * (`design:type`, `design:paramtypes`), which esbuild's and Vite's own transforms do not emit.
 * @type {import('@swc/core').Options}
 */
export const swcOptions = {
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
  },
};
