import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IContainerPort } from 'kubernetes-models/v1/ContainerPort';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { Secret, type ISecret } from 'kubernetes-models/v1/Secret';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { z } from 'zod';
import { repoRoot } from './apps.js';

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

function isCommandError(
  error: unknown,
): error is Error & { code?: string; stderr?: string | Buffer; status?: number | null } {
  return error instanceof Error;
}

/** `kubectl kustomize <dir>`, parsed into its documents. */
export function kustomize(dir: string): Manifest[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', dir], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    if (isCommandError(error) && error.code === 'ENOENT') {
      throw new Error(
        'kubectl is not installed, so the Kubernetes manifests cannot be rendered and checked. ' +
          'Install it (Debian: apt-get install kubectl; see https://kubernetes.io/docs/tasks/tools/).',
      );
    }
    const stderr = isCommandError(error) ? String(error.stderr ?? '') : String(error);
    throw new Error(`kubectl kustomize ${dir} failed:\n${stderr}`);
  }
  return parseAllDocuments(output)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}

/**
 * `kubectl kustomize` of a throwaway overlay made of these directories (relative to the
 * repository, or absolute): what a learner's own overlay writes to combine them.
 */
export function kustomizeOverlay(parts: {
  readonly resources: readonly string[];
  readonly components?: readonly string[];
}): Manifest[] {
  const dir = mkdtempSync(join(tmpdir(), 'capstone-overlay-'));
  try {
    // A kustomization refuses absolute paths.
    const from = (path: string) => relative(dir, resolve(repoRoot, path));
    const overlay = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: parts.resources.map(from),
      components: (parts.components ?? []).map(from),
    };
    writeFileSync(join(dir, 'kustomization.yaml'), stringify(overlay));
    return kustomize(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The one place every Capstone image takes its registry and tag from. */
export const imagesFile = 'k8s/base/images.yaml';

/** The registry and the tag of k8s/base/images.yaml, in the repository or in a copy of it. */
export function imageSettings(root = repoRoot): { registry: string; tag: string } {
  const configMap: unknown = parse(readFileSync(resolve(root, imagesFile), 'utf8'));
  return z.object({ data: z.object({ registry: z.string(), tag: z.string() }) }).parse(configMap)
    .data;
}

export function named<T extends Manifest>(
  manifests: readonly Manifest[],
  guard: (value: unknown) => value is T,
  name: string,
): T {
  const found = manifests.filter(guard).filter((manifest) => manifest.metadata?.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${name} of its kind, found ${found.length}`);
  }
  return found[0] as T;
}

export interface ContainerEnvironment {
  readonly values: Record<string, string>;
  /** ConfigMaps, Secrets and keys the container refers to that the manifests do not contain. */
  readonly unresolved: readonly string[];
}

function configMapValues(configMap: IConfigMap): Record<string, string> {
  return { ...configMap.data };
}

export function secretValues(secret: ISecret): Record<string, string> {
  const decoded = Object.entries(secret.data ?? {}).map(([key, value]) => [
    key,
    Buffer.from(value, 'base64').toString('utf8'),
  ]);
  return { ...Object.fromEntries(decoded), ...secret.stringData };
}

/** The environment a container starts with, resolved from the ConfigMaps and Secrets it names. */
export function containerEnvironment(
  manifests: readonly Manifest[],
  container: IContainer,
): ContainerEnvironment {
  const configMaps = new Map(
    manifests.filter(ConfigMap.is).map((item) => [item.metadata?.name, configMapValues(item)]),
  );
  const secrets = new Map(
    manifests.filter(Secret.is).map((item) => [item.metadata?.name, secretValues(item)]),
  );
  const values: Record<string, string> = {};
  const unresolved: string[] = [];
  for (const source of container.envFrom ?? []) {
    const reference = source.configMapRef ?? source.secretRef;
    const store = source.configMapRef ? configMaps : secrets;
    const found = store.get(reference?.name);
    if (found) Object.assign(values, found);
    else if (!reference?.optional) unresolved.push(`envFrom ${reference?.name}`);
  }
  for (const variable of container.env ?? []) {
    const fromMap = variable.valueFrom?.configMapKeyRef;
    const fromSecret = variable.valueFrom?.secretKeyRef;
    const value =
      variable.value ??
      (fromMap ? configMaps.get(fromMap.name)?.[fromMap.key] : undefined) ??
      (fromSecret ? secrets.get(fromSecret.name)?.[fromSecret.key] : undefined);
    if (value === undefined) unresolved.push(`env ${variable.name}`);
    else values[variable.name] = value;
  }
  return { values, unresolved };
}

/** The container port a probe or Service names, by number or by name. */
export function resolvePort(
  ports: readonly IContainerPort[] | undefined,
  port: number | string | undefined,
): number | undefined {
  if (typeof port === 'number') {
    return ports?.some((candidate) => candidate.containerPort === port) ? port : undefined;
  }
  return ports?.find((candidate) => candidate.name === port)?.containerPort;
}

/** Whether the pod (or the container, which overrides it) has this security setting. */
export function podOrContainer<K extends 'runAsNonRoot' | 'runAsUser'>(
  pod: IPodSpec,
  container: IContainer,
  setting: K,
): NonNullable<IPodSpec['securityContext']>[K] {
  return container.securityContext?.[setting] ?? pod.securityContext?.[setting];
}

export function matchesSelector(
  labels: Record<string, string> | undefined,
  selector: Record<string, string> | undefined,
): boolean {
  const wanted = Object.entries(selector ?? {});
  return wanted.length > 0 && wanted.every(([key, value]) => labels?.[key] === value);
}

/** The pod spec of a workload (a Deployment, a StatefulSet, a Job), which it must have. */
export function podSpecOf(workload: {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string };
  readonly spec?: { readonly template: IPodTemplateSpec };
}): IPodSpec {
  const spec = workload.spec?.template.spec;
  if (!spec) throw new Error(`${workload.kind} ${workload.metadata?.name} has no pod spec`);
  return spec;
}
