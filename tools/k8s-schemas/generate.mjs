// Regenerates e2e/deploy/schemas/*.json, the pinned schemas the manifests are validated against
// offline. Run after changing a version or a kind below: `npm run k8s:schemas` (needs `go`, which
// downloads each pinned Go module once into its module cache).
//
// Each output keeps only the kinds listed here and the definitions they reach, without the prose
// (descriptions), the defaults and the CEL rules, which the tests do not evaluate.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

const output = resolve(import.meta.dirname, '../../e2e/deploy/schemas');

/** The oldest Kubernetes minor still supported upstream: what every supported cluster accepts. */
const kubernetes = {
  module: 'k8s.io/kubernetes',
  version: 'v1.35.4',
  dir: 'api/openapi-spec/v3',
  /** OpenAPI file of each group version, and the kinds of it that manifests may use. */
  kinds: {
    api__v1_openapi: {
      v1: [
        'ConfigMap',
        'LimitRange',
        'Namespace',
        'PersistentVolumeClaim',
        'ResourceQuota',
        'Secret',
        'Service',
        'ServiceAccount',
      ],
    },
    apis__apps__v1_openapi: { 'apps/v1': ['DaemonSet', 'Deployment', 'StatefulSet'] },
    apis__autoscaling__v2_openapi: { 'autoscaling/v2': ['HorizontalPodAutoscaler'] },
    apis__batch__v1_openapi: { 'batch/v1': ['CronJob', 'Job'] },
    'apis__networking.k8s.io__v1_openapi': {
      'networking.k8s.io/v1': ['Ingress', 'IngressClass', 'NetworkPolicy'],
    },
    apis__policy__v1_openapi: { 'policy/v1': ['PodDisruptionBudget'] },
    'apis__rbac.authorization.k8s.io__v1_openapi': {
      'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
    },
    'apis__scheduling.k8s.io__v1_openapi': { 'scheduling.k8s.io/v1': ['PriorityClass'] },
  },
};

/** Custom resources: the CRDs of each project, every served version that is not deprecated. */
const customResources = [
  {
    name: 'gateway-api',
    module: 'sigs.k8s.io/gateway-api',
    version: 'v1.6.3',
    dir: 'config/crd/standard',
    kinds: 'all',
  },
  {
    name: 'cert-manager',
    module: 'github.com/cert-manager/cert-manager',
    version: 'v1.21.2',
    dir: 'deploy/crds',
    kinds: ['Certificate', 'ClusterIssuer', 'Issuer'],
  },
  {
    name: 'prometheus-operator',
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.85.0',
    dir: 'example/prometheus-operator-crd',
    kinds: ['PodMonitor', 'PrometheusRule', 'ServiceMonitor'],
  },
];

/** Keywords that only document or that the tests cannot check; everything else is kept. */
const dropped = new Set([
  'description',
  'default',
  'example',
  'x-kubernetes-group-version-kind',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-unions',
  'x-kubernetes-validations',
]);

const OPENAPI_REF = '#/components/schemas/';

function moduleDir(module, version) {
  const info = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], { encoding: 'utf8' }),
  );
  if (info.Error) throw new Error(info.Error);
  return info.Dir;
}

/** The schema without the dropped keywords, its references pointing into `definitions`. */
function trim(schema) {
  const kept = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (dropped.has(keyword)) continue;
    if (keyword === 'properties') {
      kept.properties = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [name, trim(property)]),
      );
    } else if (['allOf', 'anyOf', 'oneOf'].includes(keyword)) {
      kept[keyword] = value.map(trim);
    } else if (['items', 'additionalProperties', 'not'].includes(keyword)) {
      kept[keyword] = typeof value === 'object' ? trim(value) : value;
    } else if (keyword === '$ref') {
      kept.$ref = `#/definitions/${value.slice(OPENAPI_REF.length)}`;
    } else {
      kept[keyword] = value;
    }
  }
  return kept;
}

/** The names of the definitions a schema refers to, directly or through others. */
function reachable(name, all, found = new Set()) {
  if (found.has(name)) return found;
  const schema = all[name];
  if (!schema) throw new Error(`no definition ${name}`);
  found.add(name);
  const visit = (value) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === '$ref' && typeof inner === 'string') {
          reachable(inner.slice(OPENAPI_REF.length), all, found);
        } else visit(inner);
      }
    }
  };
  visit(schema);
  return found;
}

function kubernetesSchemas() {
  const specDir = join(moduleDir(kubernetes.module, kubernetes.version), kubernetes.dir);
  const kinds = {};
  const definitions = {};
  for (const [file, groupVersions] of Object.entries(kubernetes.kinds)) {
    const all = JSON.parse(readFileSync(join(specDir, `${file}.json`), 'utf8')).components.schemas;
    for (const [apiVersion, names] of Object.entries(groupVersions)) {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      for (const kind of names) {
        const definition = Object.keys(all).find((name) =>
          all[name]['x-kubernetes-group-version-kind']?.some(
            (gvk) => gvk.group === group && gvk.version === version && gvk.kind === kind,
          ),
        );
        if (!definition) throw new Error(`${apiVersion} ${kind} is not in ${file}`);
        kinds[`${apiVersion}/${kind}`] = definition;
        for (const name of reachable(definition, all)) definitions[name] = trim(all[name]);
      }
    }
  }
  return {
    source: `${kubernetes.module}@${kubernetes.version} ${kubernetes.dir}`,
    kinds: sorted(kinds),
    definitions: sorted(definitions),
  };
}

function customResourceSchemas({ module, version, dir, kinds: wanted }) {
  const crdDir = join(moduleDir(module, version), dir);
  const kinds = {};
  for (const file of readdirSync(crdDir).filter((name) => name.endsWith('.yaml'))) {
    for (const document of parseAllDocuments(readFileSync(join(crdDir, file), 'utf8'))) {
      const crd = document.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      const { group, names, versions } = crd.spec;
      if (wanted !== 'all' && !wanted.includes(names.kind)) continue;
      for (const served of versions.filter((item) => item.served && !item.deprecated)) {
        kinds[`${group}/${served.name}/${names.kind}`] = trim(served.schema.openAPIV3Schema);
      }
    }
  }
  const missing =
    wanted === 'all'
      ? []
      : wanted.filter((kind) => !Object.keys(kinds).some((key) => key.endsWith(`/${kind}`)));
  if (missing.length > 0) throw new Error(`${module}@${version} has no CRD for ${missing}`);
  return { source: `${module}@${version} ${dir}`, kinds: sorted(kinds) };
}

function sorted(record) {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

function write(name, schemas) {
  writeFileSync(join(output, `${name}.json`), `${JSON.stringify(schemas, null, 1)}\n`);
}

write('kubernetes', kubernetesSchemas());
for (const source of customResources) write(source.name, customResourceSchemas(source));
