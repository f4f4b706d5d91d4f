import { ensureSigningKeyFile } from '@capstone/auth-feature';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/apps.js';
import { kustomize, type Manifest } from './support/kubernetes.js';

/**
 * The guides are what a learner pastes into a shell: every object a command names must be one
 * the overlay of that namespace renders, and every file or folder it names must exist.
 */
const guides = ['docs/cluster.md', 'k8s/README.md'];
const overlayOfNamespace: Record<string, string> = {
  'capstone-dev': 'k8s/overlays/dev',
  capstone: 'k8s/overlays/prod',
};
/** Namespaces of what the cluster's platform installs, not of Capstone. */
const platformNamespaces = new Set(['kube-system', 'envoy-gateway-system', 'cert-manager']);
const kindOfShortName: Record<string, string> = {
  deploy: 'Deployment',
  deployment: 'Deployment',
  statefulset: 'StatefulSet',
  job: 'Job',
  gateway: 'Gateway',
  service: 'Service',
  svc: 'Service',
};

// The dev overlay's signing key is made on each machine (`npm run keys:dev`), never committed.
beforeAll(() =>
  ensureSigningKeyFile(resolve(repoRoot, 'k8s/overlays/dev/dev-only/jwt-private.pem')),
);

const rendered = new Map<string, Manifest[]>();
function objectsOf(namespace: string): Manifest[] {
  const overlay = overlayOfNamespace[namespace];
  if (!overlay) throw new Error(`no overlay deploys to namespace ${namespace}`);
  if (!rendered.has(overlay)) rendered.set(overlay, kustomize(overlay));
  return rendered.get(overlay) ?? [];
}

/** The shell commands of a Markdown file: its bash blocks, with continued lines joined. */
function commandsOf(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  return blocks
    .flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

/** `<kind>/<name>` references of a kubectl command given a namespace with -n. */
function objectReferences(command: string): { namespace: string; kind: string; name: string }[] {
  const namespace = /\bkubectl\s+-n\s+(\S+)/.exec(command)?.[1];
  if (!namespace || platformNamespaces.has(namespace)) return [];
  const references = [...command.matchAll(/\b([a-z]+)\/([a-z0-9-]+)\b/g)].flatMap((match) => {
    const kind = kindOfShortName[match[1] ?? ''];
    return kind ? [{ namespace, kind, name: match[2] ?? '' }] : [];
  });
  const positional = /\bget\s+(gateway|service|job|deployment|statefulset)\s+([a-z0-9-]+)/.exec(
    command,
  );
  if (positional?.[1] && positional[2])
    references.push({
      namespace,
      kind: kindOfShortName[positional[1]] ?? '',
      name: positional[2],
    });
  return references;
}

describe.each(guides)('%s', (guide) => {
  const markdown = readFileSync(resolve(repoRoot, guide), 'utf8');
  const commands = commandsOf(markdown);

  it('has commands to paste', () => {
    expect(commands.length).toBeGreaterThan(3);
  });

  it('names only objects that the overlay of the namespace renders', () => {
    const references = commands.flatMap(objectReferences);
    expect(references.length).toBeGreaterThan(0);
    const missing = references.filter(
      ({ namespace, kind, name }) =>
        !objectsOf(namespace).some(
          (object) => object.kind === kind && object.metadata?.name === name,
        ),
    );
    expect(missing).toEqual([]);
  });

  it('applies, renders and deletes only kustomizations that exist', () => {
    const paths = commands.flatMap((command) =>
      [...command.matchAll(/(?:apply|delete|kustomize)\s+(?:-k\s+)?(k8s\/[\w./-]+)/g)].map(
        (match) => match[1] ?? '',
      ),
    );
    expect(paths.length).toBeGreaterThan(0);
    expect(
      paths.filter((path) => !existsSync(resolve(repoRoot, path, 'kustomization.yaml'))),
    ).toEqual([]);
  });

  it('links only files of the repository that exist', () => {
    const links = [...markdown.matchAll(/\]\((?!https?:|#)([^)#\s]+)/g)].map(
      (match) => match[1] ?? '',
    );
    const base = resolve(repoRoot, guide, '..');
    expect(links.filter((link) => !existsSync(resolve(base, link)))).toEqual([]);
  });
});

describe('docs/cluster.md', () => {
  const commands = commandsOf(readFileSync(resolve(repoRoot, 'docs/cluster.md'), 'utf8'));

  it('installs the GatewayClass that the Gateway names before the overlay is applied', () => {
    const gatewayClass = kustomize('k8s/platform/envoy-gateway').find(
      (object) => object.kind === 'GatewayClass',
    );
    const gateway = objectsOf('capstone-dev').find((object) => object.kind === 'Gateway') as
      (Manifest & { spec?: { gatewayClassName?: string } }) | undefined;
    expect(gatewayClass?.metadata?.name).toBe(gateway?.spec?.gatewayClassName);
    const platform = commands.findIndex((command) =>
      command.includes('k8s/platform/envoy-gateway'),
    );
    const overlay = commands.findIndex((command) => command.includes('apply -k k8s/overlays/dev'));
    expect(platform).toBeGreaterThanOrEqual(0);
    expect(platform).toBeLessThan(overlay);
  });

  it('makes the dev signing key before the first apply', () => {
    const key = commands.indexOf('npm run keys:dev');
    expect(key).toBeGreaterThanOrEqual(0);
    expect(key).toBeLessThan(commands.indexOf('kubectl apply -k k8s/overlays/dev'));
  });

  it('tears down what it created: the overlay, Envoy Gateway, the cluster, and checks for leftovers', () => {
    for (const step of [
      'kind delete cluster --name capstone',
      'kubectl delete -k k8s/overlays/dev',
      'helm uninstall eg',
      'gcloud container clusters delete capstone',
      'gcloud compute disks list',
      'gcloud compute forwarding-rules list',
    ])
      expect(commands.join('\n')).toContain(step);
  });
});
