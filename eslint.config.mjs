import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * Module boundaries: a scope may use itself and `shared`; a type may only use the
 * layers below it (app -> feature -> util -> contracts -> errors). E2E suites may use anything
 * but an app, because apps are thin entry points with nothing to import.
 */
const dependencyRules = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:auth', onlyDependOnLibsWithTags: ['scope:auth', 'scope:shared'] },
  { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
  { sourceTag: 'scope:blog', onlyDependOnLibsWithTags: ['scope:blog', 'scope:shared'] },
  { sourceTag: 'scope:chat', onlyDependOnLibsWithTags: ['scope:chat', 'scope:shared'] },
  {
    sourceTag: 'scope:e2e',
    onlyDependOnLibsWithTags: [
      'scope:auth',
      'scope:blog',
      'scope:chat',
      'scope:gateway',
      'scope:shared',
    ],
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:feature', 'type:util', 'type:contracts', 'type:errors'],
  },
  {
    sourceTag: 'type:feature',
    onlyDependOnLibsWithTags: ['type:util', 'type:contracts', 'type:errors'],
  },
  {
    sourceTag: 'type:util',
    onlyDependOnLibsWithTags: ['type:util', 'type:contracts', 'type:errors'],
  },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts', 'type:errors'] },
  // The errors library is the bottom layer: it depends on nothing.
  { sourceTag: 'type:errors', onlyDependOnLibsWithTags: [] },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:util', 'type:contracts', 'type:errors'],
  },
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: [
      'type:feature',
      'type:util',
      'type:contracts',
      'type:errors',
      'type:testing',
    ],
  },
];

/** Tests of any project may also use the test helpers. */
const testDependencyRules = dependencyRules.map((rule) =>
  rule.sourceTag.startsWith('type:')
    ? { ...rule, onlyDependOnLibsWithTags: [...rule.onlyDependOnLibsWithTags, 'type:testing'] }
    : rule,
);

const boundaries = (depConstraints) => [
  'error',
  { enforceBuildableLibDependency: true, allow: [], depConstraints },
];

export default tseslint.config(
  { ignores: ['**/node_modules', '**/dist', '**/coverage', '.nx/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(dependencyRules),
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(testDependencyRules) },
  },
  {
    files: [
      '**/*.spec.ts',
      '**/test/**/*.ts',
      'libs/shared/testing/**/*.ts',
      'bench/**/*',
      'scripts/**/*',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    // Tool configuration files import the shared root config by path; they are not project code.
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  prettier,
);
