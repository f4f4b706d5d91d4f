import { ensureSigningKeyFile } from '@capstone/auth-feature';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './support/apps.js';
import type { Manifest } from './support/kubernetes.js';
import {
  kustomizationsUnder,
  renderKustomization,
  schemaProblems,
} from './support/kubernetes-schemas.js';

const fixturesDir = resolve(import.meta.dirname, 'fixtures/manifests');

function fixture(name: string): Manifest[] {
  return parseAllDocuments(readFileSync(resolve(fixturesDir, name), 'utf8')).map(
    (document) => document.toJS() as Manifest,
  );
}

describe('the pinned Kubernetes, Gateway API, cert-manager and Prometheus Operator schemas', () => {
  it('accept valid objects of every source', () => {
    const manifests = fixture('valid.yaml');
    expect(new Set(manifests.map((manifest) => manifest.apiVersion.split('/')[0]))).toEqual(
      new Set([
        'apps',
        'v1',
        'gateway.networking.k8s.io',
        'cert-manager.io',
        'monitoring.coreos.com',
      ]),
    );
    expect(manifests.flatMap(schemaProblems)).toEqual([]);
  });

  it.each([
    { file: 'deployment-misspelled-field.yaml', problem: '/spec: unknown field "replica"' },
    {
      file: 'httproute-misspelled-field.yaml',
      problem: '/spec/rules/0: unknown field "backendRef"',
    },
    { file: 'httproute-misspelled-metadata.yaml', problem: '/metadata: unknown field "lables"' },
    { file: 'unknown-kind.yaml', problem: 'no pinned schema for this apiVersion and kind' },
  ])('refuse $file', ({ file, problem }) => {
    const problems = fixture(file).flatMap(schemaProblems);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });
});

const BASE = 'k8s/base';
const kustomizations = kustomizationsUnder('k8s');

describe('every kustomization under k8s/', () => {
  beforeAll(async () => {
    // The dev overlay's signing key is made on each machine (`npm run keys:dev`), never committed.
    await ensureSigningKeyFile(resolve(repoRoot, 'k8s/overlays/dev/dev-only/jwt-private.pem'));
  });

  it('includes every overlay, example and component', () => {
    const found = kustomizations.map((kustomization) => kustomization.path);
    for (const group of ['overlays', 'examples', 'components']) {
      for (const entry of readdirSync(resolve(repoRoot, 'k8s', group), { withFileTypes: true })) {
        if (entry.isDirectory()) expect(found).toContain(`k8s/${group}/${entry.name}`);
      }
    }
  });

  for (const kustomization of kustomizations) {
    const rendered =
      kustomization.kind === 'Component'
        ? `${kustomization.path} on top of ${BASE}`
        : kustomization.path;
    it(`${rendered} renders objects that the pinned schemas accept strictly`, () => {
      const manifests = renderKustomization(kustomization, BASE);
      expect(manifests.length).toBeGreaterThan(0);
      expect(manifests.flatMap(schemaProblems)).toEqual([]);
    });
  }
});
