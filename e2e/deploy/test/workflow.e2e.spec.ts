import { ensureSigningKeyFile } from '@capstone/auth-feature';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { apps, defaultPort, dockerfilePath, repoRoot } from './support/apps.js';
import { imageSettings, kustomize, named, type Manifest } from './support/kubernetes.js';

const WORKFLOW = '.github/workflows/ci.yml';
const DEV_OVERLAY_KEY_FILE = 'k8s/overlays/dev/dev-only/jwt-private.pem';
const DEV_OVERLAY_KEY = resolve(repoRoot, DEV_OVERLAY_KEY_FILE);

const permissionsSchema = z.union([z.string(), z.record(z.string(), z.string())]).optional();
const stepSchema = z.object({
  id: z.string().optional(),
  uses: z.string().optional(),
  run: z.string().optional(),
  with: z.record(z.string(), z.union([z.string(), z.boolean(), z.number()])).optional(),
});
const jobSchema = z.object({
  if: z.string().optional(),
  needs: z.union([z.string(), z.array(z.string())]).optional(),
  permissions: permissionsSchema,
  strategy: z
    .object({
      matrix: z.object({
        include: z.array(z.object({ app: z.string(), port: z.number().optional() })).optional(),
      }),
    })
    .optional(),
  steps: z.array(stepSchema).default([]),
});
type Job = z.infer<typeof jobSchema>;
type Step = z.infer<typeof stepSchema>;
const filterSchema = z
  .object({ branches: z.array(z.string()).optional(), tags: z.array(z.string()).optional() })
  .nullish();
const workflowSchema = z.object({
  on: z.object({ push: filterSchema, pull_request: filterSchema }),
  permissions: permissionsSchema,
  jobs: z.record(z.string(), jobSchema),
});
type Workflow = z.infer<typeof workflowSchema>;

/** The workflow as GitHub reads it: YAML anchors and aliases are resolved by the parser. */
const workflow: Workflow = workflowSchema.parse(
  parse(readFileSync(resolve(repoRoot, WORKFLOW), 'utf8')),
);

interface GitHubEvent {
  readonly name: 'push' | 'pull_request';
  readonly ref: string;
}

const events = {
  mainPush: { name: 'push', ref: 'refs/heads/main' },
  versionTag: { name: 'push', ref: 'refs/tags/v0.2.0' },
  pullRequest: { name: 'pull_request', ref: 'refs/pull/7/merge' },
  otherBranch: { name: 'push', ref: 'refs/heads/feature/cache' },
  otherTag: { name: 'push', ref: 'refs/tags/nightly' },
} as const satisfies Record<string, GitHubEvent>;

/** A GitHub filter pattern: `*` stops at '/', `**` does not. */
function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}

/** Whether the event starts the workflow at all, by its `on` filters. */
function starts(event: GitHubEvent): boolean {
  if (event.name === 'pull_request') return workflow.on.pull_request !== undefined;
  const filters = workflow.on.push;
  if (filters === undefined) return false;
  const [, kind, name = ''] = /^refs\/(heads|tags)\/(.+)$/.exec(event.ref) ?? [];
  const patterns = kind === 'heads' ? filters?.branches : filters?.tags;
  // With filters on one kind of ref only, GitHub starts nothing for the other kind.
  if (!patterns) return !filters?.branches && !filters?.tags;
  return patterns.some((pattern) => globMatches(pattern, name));
}

/**
 * The value of a job's `if`, for the few forms this workflow may use: comparisons of
 * github.event_name or github.ref with a string, and startsWith(github.ref, '...'), joined by
 * && or ||. Anything else fails the test, so that a new condition is read here before it ships.
 */
function condition(expression: string, event: GitHubEvent): boolean {
  const context: Record<string, string> = {
    'github.event_name': event.name,
    'github.ref': event.ref,
  };
  const term = (text: string): boolean => {
    const comparison = /^(github\.\w+)\s*(==|!=)\s*'([^']*)'$/.exec(text.trim());
    const prefix = /^startsWith\((github\.\w+),\s*'([^']*)'\)$/.exec(text.trim());
    if (comparison) {
      const [, name = '', operator, value] = comparison;
      if (!(name in context)) throw new Error(`unknown context ${name} in: ${expression}`);
      return (context[name] === value) === (operator === '==');
    }
    if (prefix) {
      const [, name = '', value = ''] = prefix;
      if (!(name in context)) throw new Error(`unknown context ${name} in: ${expression}`);
      return (context[name] ?? '').startsWith(value);
    }
    throw new Error(`cannot evaluate "${text}" in: ${expression}`);
  };
  const bare = expression.replace(/^\s*\$\{\{(.*)\}\}\s*$/, '$1');
  return bare.split('||').some((alternative) => alternative.split('&&').every(term));
}

const needsOf = (job: Job): string[] =>
  job.needs === undefined ? [] : typeof job.needs === 'string' ? [job.needs] : job.needs;

function jobNamed(name: string): Job {
  const job = workflow.jobs[name];
  if (!job) throw new Error(`no job ${name} in ${WORKFLOW}`);
  return job;
}

/** Whether the job runs for the event: the workflow starts, its `if` holds, its needs run. */
function runs(name: string, event: GitHubEvent): boolean {
  const job = jobNamed(name);
  return (
    starts(event) &&
    (job.if === undefined || condition(job.if, event)) &&
    needsOf(job).every((needed) => runs(needed, event))
  );
}

const jobsRunningFor = (event: GitHubEvent) =>
  Object.keys(workflow.jobs).filter((name) => runs(name, event));

function permissionOf(job: Job, scope: string): string | undefined {
  const permissions = job.permissions ?? workflow.permissions;
  if (typeof permissions === 'string') return permissions === 'write-all' ? 'write' : permissions;
  // No `permissions` at all leaves the repository's default, which may be write.
  return permissions === undefined ? 'write' : permissions[scope];
}

const usesAction = (step: Step, action: string) => step.uses?.split('@')[0] === action;

function stepUsing(job: Job, action: string): Step {
  const steps = job.steps.filter((step) => usesAction(step, action));
  expect(steps, `one ${action} step`).toHaveLength(1);
  return steps[0] as Step;
}

/** The job that pushes images: the one allowed to write packages. */
const publishers = Object.entries(workflow.jobs).filter(
  ([, job]) => permissionOf(job, 'packages') === 'write',
);

/** The apps of the repository: the folders of apps/ that are Nx projects with a main.ts. */
const appFolders = readdirSync(resolve(repoRoot, 'apps'), { withFileTypes: true })
  .filter(
    (entry) =>
      entry.isDirectory() && existsSync(resolve(repoRoot, 'apps', entry.name, 'project.json')),
  )
  .map((entry) => entry.name)
  .sort();

describe(`${WORKFLOW}: publishing the images`, () => {
  it('has one job that may write packages, and grants no other job that right', () => {
    expect(publishers.map(([name]) => name)).toEqual(['publish']);
  });

  it('publishes on a push to main and on a version tag', () => {
    expect(runs('publish', events.mainPush)).toBe(true);
    expect(runs('publish', events.versionTag)).toBe(true);
  });

  it.each([
    ['a pull request', events.pullRequest],
    ['a push to another branch', events.otherBranch],
    ['a tag that is not a version', events.otherTag],
  ])('never publishes for %s', (_, event) => {
    expect(runs('publish', event)).toBe(false);
  });

  it('gives no job of a pull request a way to push: no packages: write, no registry login, no push', () => {
    const jobs = jobsRunningFor(events.pullRequest);
    expect(jobs.length).toBeGreaterThan(0);
    for (const name of jobs) {
      const job = jobNamed(name);
      expect(permissionOf(job, 'packages'), name).not.toBe('write');
      expect(
        job.steps.filter((step) => usesAction(step, 'docker/login-action')),
        name,
      ).toEqual([]);
      for (const step of job.steps.filter((item) => usesAction(item, 'docker/build-push-action'))) {
        expect(step.with?.['push'], name).toBe(false);
      }
    }
  });

  it('publishes only once every other job of the same run has passed', () => {
    const others = jobsRunningFor(events.mainPush).filter((name) => name !== 'publish');
    expect(others).toContain('test');
    expect(needsOf(jobNamed('publish')).sort()).toEqual(others.sort());
  });

  it('renders the manifests, which publish waits for, with the key file the dev overlay reads', () => {
    const scripts = jobNamed('manifests').steps.map((step) => step.run ?? '');
    const makesKey = scripts.findIndex((script) => script.includes(DEV_OVERLAY_KEY_FILE));
    const renders = scripts.findIndex((script) => script.includes('kubectl kustomize'));
    expect(makesKey, 'a step writes the key').toBeGreaterThanOrEqual(0);
    expect(makesKey).toBeLessThan(renders);
  });

  it('builds an image of every app in apps/, the apps the manifests deploy', () => {
    const matrixApps = (jobNamed('publish').strategy?.matrix.include ?? []).map(
      (entry) => entry.app,
    );
    expect(matrixApps.sort()).toEqual(appFolders);
    expect(appFolders).toEqual(apps.map((app) => app.name).sort());
  });

  it('builds each from the one Dockerfile, with the app and its default port as arguments', () => {
    const publish = jobNamed('publish');
    const build = stepUsing(publish, 'docker/build-push-action');
    expect(build.with?.['file']).toBe(dockerfilePath);
    expect(String(build.with?.['build-args']).trim().split('\n')).toEqual([
      'APP=${{ matrix.app }}',
      'APP_PORT=${{ matrix.port }}',
    ]);
    for (const app of apps) {
      const entry = publish.strategy?.matrix.include?.find((item) => item.app === app.name);
      expect(entry?.port, app.name).toBe(defaultPort(app));
    }
  });

  it('builds for both CPU architectures, linux/amd64 and linux/arm64, and pushes', () => {
    const build = stepUsing(jobNamed('publish'), 'docker/build-push-action');
    expect(
      String(build.with?.['platforms'])
        .split(',')
        .map((platform) => platform.trim())
        .sort(),
    ).toEqual(['linux/amd64', 'linux/arm64']);
    expect(build.with?.['push']).toBe(true);
  });

  it('pushes provenance and SBOM attestations with every image', () => {
    const build = stepUsing(jobNamed('publish'), 'docker/build-push-action');
    expect(String(build.with?.['provenance'])).toMatch(/^(true|mode=(min|max))$/);
    expect(build.with?.['sbom']).toBe(true);
  });

  describe('the image names and tags, against the manifests', () => {
    let manifests: Manifest[];

    beforeAll(async () => {
      await ensureSigningKeyFile(DEV_OVERLAY_KEY);
      manifests = kustomize('k8s/overlays/dev');
    });

    const metadata = () => stepUsing(jobNamed('publish'), 'docker/metadata-action');

    it('logs in to the registry the manifests pull from, with the run’s own token', () => {
      const login = stepUsing(jobNamed('publish'), 'docker/login-action');
      expect(imageSettings().registry.split('/')[0]).toBe(login.with?.['registry']);
      expect(login.with?.['password']).toBe('${{ secrets.GITHUB_TOKEN }}');
    });

    it.each(apps)('names the $name image exactly as the Deployment runs it', (app) => {
      // The manifests' owner stands for the repository's: a fork sets both to its own.
      const [host, owner] = imageSettings().registry.split('/');
      const published = String(metadata().with?.['images'])
        .replaceAll('${{ github.repository_owner }}', owner ?? '')
        .replaceAll('${{ matrix.app }}', app.name)
        .toLowerCase();
      const deployment = named(manifests, Deployment.is, app.name);
      const image = deployment.spec?.template.spec?.containers[0]?.image ?? '';
      expect(host).toBe('ghcr.io');
      expect(published).toBe(image.slice(0, image.lastIndexOf(':')));
    });

    it('tags what the overlays run: latest from main (dev), X.Y.Z from the tag vX.Y.Z (prod)', () => {
      const step = metadata();
      const tags = String(step.with?.['tags']).trim().split('\n');
      expect(tags).toEqual(
        expect.arrayContaining([
          'type=sha',
          'type=semver,pattern={{version}}',
          'type=raw,value=latest,enable={{is_default_branch}}',
        ]),
      );
      // Otherwise every version tag would move `latest` too, away from main.
      expect(step.with?.['flavor']).toBe('latest=false');
      const build = stepUsing(jobNamed('publish'), 'docker/build-push-action');
      expect(build.with?.['tags']).toBe(`\${{ steps.${step.id}.outputs.tags }}`);
      expect(imageSettings().tag).toBe('latest');
      const prodImage =
        named(kustomize('k8s/overlays/prod'), Deployment.is, 'gateway').spec?.template.spec
          ?.containers[0]?.image ?? '';
      expect(prodImage).toMatch(/:\d+\.\d+\.\d+$/);
      expect(
        runs('publish', { name: 'push', ref: `refs/tags/v${prodImage.split(':').at(-1)}` }),
      ).toBe(true);
    });
  });
});
