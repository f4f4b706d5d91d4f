import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  apps,
  buildOutputDir,
  builtFile,
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
  parseDockerfile,
  type Stage,
} from './support/dockerfile.js';

const runs = (stage: Stage, pattern: RegExp) =>
  all(stage, 'RUN').some((instruction) => pattern.test(instruction.args));

describe.each(apps)('apps/$name/Dockerfile', (app) => {
  const dockerfile = parseDockerfile(app.dockerfile);
  const { final } = dockerfile;
  const buildStages = dockerfile.stages.filter((stage) =>
    runs(stage, new RegExp(`nx run ${app.name}:build\\b`)),
  );
  const port = defaultPort(app);

  it('builds in an earlier stage with npm ci and nx, and ships a slim Node 20 image', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(buildStages).toHaveLength(1);
    expect(buildStages[0]).not.toBe(final);
    expect(runs(buildStages[0] ?? final, /\bnpm ci\b/)).toBe(true);
    expect(final.image).toMatch(/^node:20(\.\d+)*-(bookworm-slim|alpine)/);
  });

  it('ships production dependencies only, and only this app’s build output', () => {
    const copies = copiesOf(final);
    const fromStage = (name: string | undefined) =>
      dockerfile.stages.find((stage) => stage.name === name);
    const installsProductionOnly = (stage: Stage | undefined) =>
      stage !== undefined && runs(stage, /\bnpm ci\b.*--omit=dev/);
    const nodeModules = copies.filter((copy) =>
      copy.sources.some((source) => source.includes('node_modules')),
    );
    expect(
      installsProductionOnly(final) ||
        (nodeModules.length > 0 &&
          nodeModules.every((copy) => installsProductionOnly(fromStage(copy.from)))),
    ).toBe(true);
    const fromBuild = copies.filter((copy) => buildStages.some((s) => s.name === copy.from));
    expect(fromBuild.flatMap((copy) => copy.sources)).toEqual([
      expect.stringMatching(new RegExp(`/${buildOutputDir(app.name)}/?$`)),
    ]);
    // The compiled ESM needs "type": "module" from the root package.json next to dist.
    expect(copies.some((copy) => !copy.from && copy.sources.includes('package.json'))).toBe(true);
  });

  it('runs as a non-root user, by number so that Kubernetes can verify it', () => {
    const user = last(final, 'USER')?.args ?? 'root';
    const [name = ''] = user.split(':');
    expect(name).toMatch(/^\d+$/);
    expect(Number(name)).toBeGreaterThan(0);
  });

  it('sets NODE_ENV=production and exposes the port the app listens on', () => {
    const environment = environmentOf(final);
    expect(environment['NODE_ENV']).toBe('production');
    if (environment['PORT'] !== undefined) expect(Number(environment['PORT'])).toBe(port);
    expect(all(final, 'EXPOSE').flatMap((expose) => expose.args.split(/\s+/))).toContain(
      String(port),
    );
  });

  it('checks liveness with node on the app port (slim images have no curl)', () => {
    const command = healthcheckOf(final);
    expect(command?.[0]).toBe('node');
    const script = command?.join(' ') ?? '';
    expect(script).toContain(healthPaths.live);
    expect(script).toMatch(new RegExp(`\\b${port}\\b`));
  });

  it('starts the main.js that `nx run` builds, inside the copied output', () => {
    const main = builtFile(app.name, 'main.ts');
    expect(execForm(last(final, 'CMD')?.args ?? '')).toEqual(['node', main]);
    expect(main.startsWith(`${buildOutputDir(app.name)}/`)).toBe(true);
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
      ...apps.map((app) => `apps/${app.name}/src/main.ts`),
      'libs/chat/feature/src/index.ts',
      'libs/shared/config/src/index.ts',
    ]) {
      expect(dockerIgnores(path), path).toBe(false);
    }
  });
});
