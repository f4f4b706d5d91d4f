#!/usr/bin/env node
// Writes the Nx project files every project here has in common (project.json, tsconfig, Vitest
// config), so a new library or app starts with the same targets and tags as the others.
// Usage: node tools/new-project.mjs <dir> <name> <library|application> <tag,tag,...>
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const [dir, name, projectType, tagList] = process.argv.slice(2);
if (!dir || !name || !projectType || !tagList) {
  console.error('usage: node tools/new-project.mjs <dir> <name> <library|application> <tags>');
  process.exit(1);
}
const toRoot = relative(dir, '.') || '.';
mkdirSync(join(dir, 'src'), { recursive: true });

const targets = {
  lint: { command: `eslint ${dir}`, options: { cwd: '.' } },
  typecheck: { command: `tsc -p ${dir}/tsconfig.json --noEmit` },
  test: { command: `vitest run --config ${dir}/vitest.config.ts` },
};
const write = (file, content) => {
  if (!existsSync(join(dir, file))) writeFileSync(join(dir, file), content);
};
write(
  'project.json',
  JSON.stringify(
    {
      name,
      $schema: `${toRoot}/node_modules/nx/schemas/project-schema.json`,
      sourceRoot: `${dir}/src`,
      projectType,
      tags: tagList.split(','),
      targets,
    },
    null,
    2,
  ) + '\n',
);
write(
  'tsconfig.json',
  JSON.stringify(
    { extends: `${toRoot}/tsconfig.base.json`, include: ['src/**/*.ts', 'test/**/*.ts', '*.ts'] },
    null,
    2,
  ) + '\n',
);
write(
  'vitest.config.ts',
  `import { projectTestConfig } from '${toRoot}/vitest.shared.js';\n\nexport default projectTestConfig(import.meta.dirname);\n`,
);
