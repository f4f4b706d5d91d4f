import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  apps,
  buildOutputDir,
  bundleOf,
  defaultPort,
  healthPaths,
  repoRoot,
} from './support/apps.js';
import {
  all,
  copiesOf,
  dockerIgnores,
  environmentOf,
  execForm,
  healthcheckOf,
  last,
  type Stage,
} from './support/dockerfile.js';
import { imageOf } from './support/images.js';

const runs = (stage: Stage, pattern: RegExp) =>
  all(stage, 'RUN').some((instruction) => pattern.test(instruction.args));

describe.each(apps)('the $name image (the Dockerfile built with APP=$name)', (app) => {
  const dockerfile = imageOf(app.name);
  const { final } = dockerfile;
  const stageNamed = (name: string | undefined) =>
    dockerfile.stages.find((stage) => stage.name === name);
  const buildStages = dockerfile.stages.filter((stage) =>
    runs(stage, new RegExp(`nx run "?${app.name}:build\\b`)),
  );
  const port = defaultPort(app);

  it('builds in an earlier stage with npm ci and nx, and ships a slim Node 24 image', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(buildStages).toHaveLength(1);
    expect(buildStages[0]).not.toBe(final);
    expect(runs(buildStages[0] ?? final, /\bnpm ci\b/)).toBe(true);
    expect(final.image).toMatch(/^node:24(\.\d+)*-bookworm-slim$/);
  });

  it('ships only this app’s production dependencies, installed from the lock file its build pruned', () => {
    const copies = copiesOf(final);
    const nodeModules = copies.filter((copy) =>
      copy.sources.some((source) => source.includes('node_modules')),
    );
    expect(nodeModules).toHaveLength(1);
    const install = stageNamed(nodeModules[0]?.from);
    expect(install, 'node_modules come from a stage of their own').toBeDefined();
    expect(runs(install ?? final, /\bnpm ci\b.*--omit=dev/)).toBe(true);
    const manifests = copiesOf(install ?? final)
      .filter((copy) => copy.from !== undefined)
      .flatMap((copy) => copy.sources);
    expect(manifests).toEqual([
      `/workspace/${buildOutputDir(app.name)}/package.json`,
      `/workspace/${buildOutputDir(app.name)}/package-lock.json`,
    ]);
    const fromBuild = copies.filter((copy) => buildStages.some((s) => s.name === copy.from));
    expect(fromBuild.flatMap((copy) => copy.sources)).toEqual([
      `/workspace/${buildOutputDir(app.name)}`,
    ]);
  });

  it('loads every native module it installed, on the platform it installed them for', () => {
    const install = stageNamed(
      copiesOf(final).find((copy) => copy.sources.some((source) => source.includes('node_modules')))
        ?.from,
    );
    const checker = copiesOf(install ?? final).find((copy) =>
      copy.sources.includes('tools/build/load-native-modules.mjs'),
    );
    expect(checker, 'the check script is copied from the build context').toBeDefined();
    expect(runs(install ?? final, /\bnode \S*load-native-modules\.mjs\b/)).toBe(true);
  });

  it('runs no package’s install script, so nothing can try to compile a native module', () => {
    const installs = dockerfile.stages.flatMap((stage) =>
      all(stage, 'RUN').filter((run) => /\bnpm (ci|install|i)\b/.test(run.args)),
    );
    expect(installs.length).toBeGreaterThanOrEqual(2);
    for (const install of installs) expect(install.args).toContain('--ignore-scripts');
  });

  it('runs as a non-root user, by number so that Kubernetes can verify it', () => {
    const user = last(final, 'USER')?.args ?? 'root';
    const [name = ''] = user.split(':');
    expect(name).toMatch(/^\d+$/);
    expect(Number(name)).toBeGreaterThan(0);
  });

  it('sets NODE_ENV=production and PORT to the port the app listens on, and exposes it', () => {
    const environment = environmentOf(final);
    expect(environment['NODE_ENV']).toBe('production');
    expect(Number(environment['PORT'])).toBe(port);
    expect(all(final, 'EXPOSE').flatMap((expose) => expose.args.split(/\s+/))).toContain(
      String(port),
    );
  });

  it('checks liveness with node on the port in PORT (slim images have no curl)', () => {
    const command = healthcheckOf(final);
    expect(command?.[0]).toBe('node');
    const script = command?.join(' ') ?? '';
    expect(script).toContain(healthPaths.live);
    expect(script).toContain('process.env.PORT');
  });

  it('starts the main bundle of `nx run` in the working directory that holds the build output', () => {
    const [program, ...args] = execForm(last(final, 'CMD')?.args ?? '');
    expect(program).toBe('node');
    expect(args.at(-1)).toBe(bundleOf(app.name, 'main.ts'));
    const workdir = last(final, 'WORKDIR')?.args;
    const output = copiesOf(final).find((copy) =>
      copy.sources.includes(`/workspace/${buildOutputDir(app.name)}`),
    );
    expect(['./', '.', workdir, `${workdir}/`]).toContain(output?.destination);
  });

  it('builds for any CPU: no architecture-specific image or step', () => {
    for (const stage of dockerfile.stages) {
      const steps = stage.instructions.map((instruction) => instruction.args);
      expect([stage.image, ...steps].join('\n')).not.toMatch(/amd64|x86_64|arm64|aarch64|armv7/);
      expect(stage.platform ?? '$BUILDPLATFORM').toMatch(/^\$\{?(BUILD|TARGET)PLATFORM\}?$/);
    }
  });

  it('copies only files that exist and that .dockerignore sends to the build', () => {
    const fromContext = dockerfile.stages
      .flatMap(copiesOf)
      .filter((copy) => copy.from === undefined)
      .flatMap((copy) => copy.sources);
    expect(fromContext.length).toBeGreaterThan(0);
    for (const source of fromContext) {
      expect(existsSync(resolve(repoRoot, source)), `${source} exists`).toBe(true);
      expect(dockerIgnores(source), `${source} is sent to the build`).toBe(false);
    }
  });
});

describe('.dockerignore', () => {
  it('keeps host artefacts and history out of the build context', () => {
    for (const path of [
      'node_modules',
      'e2e/api/node_modules',
      'dist',
      '.nx',
      '.git',
      'coverage',
    ]) {
      expect(dockerIgnores(path), path).toBe(true);
    }
  });

  it('sends the sources and the files the build needs', () => {
    for (const path of [
      'package.json',
      'package-lock.json',
      'nx.json',
      'tsconfig.base.json',
      'tools/build/esbuild.config.mjs',
      ...apps.map((app) => `apps/${app.name}/src/main.ts`),
      'libs/chat/feature/src/index.ts',
      'libs/shared/config/src/index.ts',
    ]) {
      expect(dockerIgnores(path), path).toBe(false);
    }
  });
});
