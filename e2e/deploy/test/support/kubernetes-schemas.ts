import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { join, resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { repoRoot } from './apps.js';
import { kustomize, kustomizeOverlay, type Manifest } from './kubernetes.js';

/**
 * The pinned schemas of e2e/deploy/schemas (see its README): Kubernetes' own kinds, and the
 * custom resources of the Gateway API, cert-manager and the Prometheus Operator.
 */
const schemasDir = resolve(repoRoot, 'e2e/deploy/schemas');
const customResourceSources = ['gateway-api', 'cert-manager', 'prometheus-operator'];

type JsonSchema = { readonly [keyword: string]: unknown };

interface SchemaFile {
  readonly source: string;
  /** `<apiVersion>/<kind>` to the kind's schema, or to its name among the definitions. */
  readonly kinds: Record<string, JsonSchema | string>;
  readonly definitions?: Record<string, JsonSchema>;
}

const KUBERNETES_ID = 'kubernetes';
const OBJECT_META = `${KUBERNETES_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

function readSchemaFile(name: string): SchemaFile {
  return JSON.parse(readFileSync(join(schemasDir, `${name}.json`), 'utf8')) as SchemaFile;
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

/**
 * The schema as the API server applies it, made strict as `kubeconform -strict` does: an object
 * whose schema lists its properties refuses any other, unless the schema keeps unknown fields
 * (x-kubernetes-preserve-unknown-fields) or says what the others may be (additionalProperties).
 * Under allOf/anyOf/oneOf/not a schema only adds checks to properties listed above it, so nothing
 * there is closed.
 */
function strict(schema: JsonSchema, inJunctor = false): JsonSchema {
  const result: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    switch (keyword) {
      case 'properties':
        result[keyword] = mapValues(value as Record<string, JsonSchema>, (property) =>
          strict(property, inJunctor),
        );
        break;
      case 'items':
      case 'additionalProperties':
        result[keyword] =
          typeof value === 'object' ? strict(value as JsonSchema, inJunctor) : value;
        break;
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        result[keyword] = (value as JsonSchema[]).map((branch) => strict(branch, true));
        break;
      case 'not':
        result[keyword] = strict(value as JsonSchema, true);
        break;
      // Kubernetes' own IntOrString says so with a format and a oneOf; the oneOf does the check.
      case 'format':
        if (value !== 'int-or-string') result[keyword] = value;
        break;
      // Read below, or (an embedded object) already described by the properties it lists.
      case 'x-kubernetes-preserve-unknown-fields':
      case 'x-kubernetes-int-or-string':
      case 'x-kubernetes-embedded-resource':
        break;
      // Any other keyword goes to Ajv, which refuses one it does not know rather than skip it.
      default:
        result[keyword] = value;
    }
  }
  if (schema['x-kubernetes-int-or-string'] === true && !('anyOf' in result)) {
    result['anyOf'] = [{ type: 'integer' }, { type: 'string' }];
  }
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if ('properties' in result && !('additionalProperties' in result) && !open && !inJunctor) {
    result['additionalProperties'] = false;
  }
  return result;
}

/** A custom resource's metadata is checked by the API server as any object's is. */
function withObjectMeta(schema: JsonSchema): JsonSchema {
  const properties = schema['properties'] as Record<string, JsonSchema>;
  return { ...schema, properties: { ...properties, metadata: { $ref: OBJECT_META } } };
}

const INT32 = 2 ** 31;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function isBase64(value: string): boolean {
  // Kubernetes decodes with Go's base64, which skips line breaks (kustomize wraps long values).
  const joined = value.replace(/[\r\n]/g, '');
  return joined.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(joined);
}

/** The formats the pinned schemas use; Ajv refuses to compile a schema with any other. */
const formats = {
  int32: {
    type: 'number',
    validate: (value: number) => Number.isInteger(value) && value >= -INT32 && value < INT32,
  },
  int64: { type: 'number', validate: (value: number) => Number.isInteger(value) },
  byte: isBase64,
  'date-time': RFC3339,
  ipv4: (value: string) => isIPv4(value),
  ipv6: (value: string) => isIPv6(value),
} as const;

/** Compiles each kind's validator once, on first use. */
class PinnedSchemas {
  private readonly ajv = new Ajv({
    allErrors: true,
    // Unknown keywords and formats stay errors; the schemas are not written for Ajv's type lints.
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    formats,
  });
  private readonly schemas = new Map<string, JsonSchema>();
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    const kubernetes = readSchemaFile('kubernetes');
    this.ajv.addSchema({
      $id: KUBERNETES_ID,
      definitions: mapValues(kubernetes.definitions ?? {}, (definition) => strict(definition)),
    });
    for (const [kind, definition] of Object.entries(kubernetes.kinds)) {
      this.schemas.set(kind, { $ref: `${KUBERNETES_ID}#/definitions/${String(definition)}` });
    }
    for (const source of customResourceSources) {
      for (const [kind, schema] of Object.entries(readSchemaFile(source).kinds)) {
        this.schemas.set(kind, withObjectMeta(strict(schema as JsonSchema)));
      }
    }
  }

  validator(apiVersion: string, kind: string): ValidateFunction | undefined {
    const key = `${apiVersion}/${kind}`;
    const schema = this.schemas.get(key);
    if (!schema) return undefined;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

let pinned: PinnedSchemas | undefined;

function describeError(error: ErrorObject): string {
  const at = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') {
    return `${at}: unknown field "${String(error.params['additionalProperty'])}"`;
  }
  return `${at}: ${error.message ?? error.keyword}`;
}

/** What the pinned schema of the object's kind refuses in it; empty when the object is valid. */
export function schemaProblems(manifest: Manifest): string[] {
  pinned ??= new PinnedSchemas();
  const name = `${manifest.apiVersion} ${manifest.kind} ${manifest.metadata?.name ?? '(no name)'}`;
  const validate = pinned.validator(manifest.apiVersion, manifest.kind);
  if (!validate) return [`${name}: no pinned schema for this apiVersion and kind`];
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((error) => `${name}: ${describeError(error)}`);
}

export interface KustomizationDir {
  /** Relative to the repository root. */
  readonly path: string;
  readonly kind: 'Kustomization' | 'Component';
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Every directory under `dir` (itself included) that holds a kustomization, in path order. */
export function kustomizationsUnder(dir: string): KustomizationDir[] {
  const found: KustomizationDir[] = [];
  const visit = (path: string) => {
    const file = KUSTOMIZATION_FILES.map((name) => join(repoRoot, path, name)).find(existsSync);
    if (file) {
      const { kind } = parse(readFileSync(file, 'utf8')) as { kind?: string };
      found.push({ path, kind: kind === 'Component' ? 'Component' : 'Kustomization' });
    }
    const entries = readdirSync(join(repoRoot, path), { withFileTypes: true });
    for (const entry of entries.filter((item) => item.isDirectory())) visit(join(path, entry.name));
  };
  visit(dir);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * `kubectl kustomize` of the directory. A Component cannot render alone: it is rendered on top
 * of `base`, as an overlay that lists it would.
 */
export function renderKustomization(kustomization: KustomizationDir, base: string): Manifest[] {
  return kustomization.kind === 'Component'
    ? kustomizeOverlay({ resources: [base], components: [kustomization.path] })
    : kustomize(kustomization.path);
}
