import { ensureSigningKeyFile } from '@capstone/auth-feature';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job, type IJob } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  appNamed,
  apps,
  listeningPort,
  migrateName,
  migratingApps,
  repoRoot,
  type AppName,
} from './support/apps.js';
import {
  containerEnvironment,
  imageSettings,
  imagesFile,
  kustomize,
  kustomizeOverlay,
  matchesSelector,
  named,
  podSpecOf,
  resolvePort,
  type Manifest,
} from './support/kubernetes.js';
import { allowedFlows } from './support/network-policies.js';

const DEV_OVERLAY_KEY = resolve(repoRoot, 'k8s/overlays/dev/dev-only/jwt-private.pem');
const TLS_SETTINGS = 'k8s/components/tls/settings.yaml';
const overlays = ['k8s/overlays/dev', 'k8s/overlays/prod'] as const;

beforeAll(async () => {
  // The dev overlay's signing key is made on each machine (`npm run keys:dev`), never committed.
  await ensureSigningKeyFile(DEV_OVERLAY_KEY);
});

// Only the fields these tests read; the pinned schemas check the whole objects (k8s-schemas).
const gatewaySchema = z.object({
  metadata: z.object({ annotations: z.record(z.string(), z.string()).optional() }),
  spec: z.object({
    gatewayClassName: z.string(),
    listeners: z.array(
      z.object({
        name: z.string(),
        protocol: z.string(),
        port: z.number(),
        hostname: z.string().optional(),
        tls: z
          .object({
            mode: z.string().optional(),
            certificateRefs: z.array(z.object({ name: z.string() })).optional(),
          })
          .optional(),
      }),
    ),
  }),
});

const pathMatchSchema = z.object({ type: z.string(), value: z.string() });
const routeRuleSchema = z.object({
  matches: z.array(z.object({ path: pathMatchSchema.optional() })).optional(),
  backendRefs: z
    .array(z.object({ name: z.string(), kind: z.string().optional(), port: z.number().optional() }))
    .optional(),
  timeouts: z
    .object({ request: z.string().optional(), backendRequest: z.string().optional() })
    .optional(),
});
type RouteRule = z.infer<typeof routeRuleSchema>;
const httpRouteSchema = z.object({
  spec: z.object({
    parentRefs: z.array(
      z.object({ name: z.string(), kind: z.string().optional(), namespace: z.string().optional() }),
    ),
    hostnames: z.array(z.string()).optional(),
    rules: z.array(routeRuleSchema),
  }),
});

const issuerSchema = z.object({
  spec: z.object({
    acme: z.object({
      server: z.string(),
      email: z.string(),
      solvers: z.array(
        z.object({
          http01: z
            .object({
              gatewayHTTPRoute: z
                .object({
                  parentRefs: z.array(z.object({ name: z.string(), kind: z.string().optional() })),
                })
                .optional(),
            })
            .optional(),
        }),
      ),
    }),
  }),
});

function objectOf<T>(
  manifests: readonly Manifest[],
  apiVersion: string,
  kind: string,
  name: string,
  schema: z.ZodType<T>,
): T {
  const found = manifests.filter(
    (item) => item.apiVersion === apiVersion && item.kind === kind && item.metadata?.name === name,
  );
  expect(found, `one ${kind} ${name}`).toHaveLength(1);
  return schema.parse(found[0]);
}

const GATEWAY_API = 'gateway.networking.k8s.io/v1';
const gatewayOf = (manifests: readonly Manifest[]) =>
  objectOf(manifests, GATEWAY_API, 'Gateway', 'capstone', gatewaySchema);
const routeOf = (manifests: readonly Manifest[]) =>
  objectOf(manifests, GATEWAY_API, 'HTTPRoute', 'capstone', httpRouteSchema);

/** Whether a PathPrefix match takes the path: whole path elements only, as Gateway API says. */
function prefixTakes(prefix: string, path: string): boolean {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed === '' || path === trimmed || path.startsWith(`${trimmed}/`);
}

/** The rule that serves a URL: an Exact match first, then the longest matching prefix. */
function ruleFor(rules: readonly RouteRule[], url: string): RouteRule | undefined {
  const path = new URL(url, 'http://capstone.test').pathname;
  const everyPath = { type: 'PathPrefix', value: '/' };
  const matching = rules
    .flatMap((rule) =>
      (rule.matches ?? [{}]).map((match) => ({ rule, ...(match.path ?? everyPath) })),
    )
    .filter((match) =>
      match.type === 'Exact' ? match.value === path : prefixTakes(match.value, path),
    )
    .sort(
      (a, b) =>
        Number(b.type === 'Exact') - Number(a.type === 'Exact') || b.value.length - a.value.length,
    );
  return matching[0]?.rule;
}

/** A Gateway API duration (GEP-2257) of zero, which turns a timeout off. */
const isZeroDuration = (value: string) => /^(0+(h|m|s|ms))+$/.test(value);

/** The images of every container of the pod, init containers included. */
function containerImages(manifest: IDeployment | IJob): string[] {
  const spec = podSpecOf(manifest);
  return [...(spec.initContainers ?? []), ...spec.containers].map(
    (container) => container.image ?? '',
  );
}

/** Every workload that runs a Capstone image, and the app whose image it is. */
const workloads: readonly { kind: 'Deployment' | 'Job'; name: string; app: AppName }[] = [
  ...apps.map((app) => ({ kind: 'Deployment' as const, name: app.name, app: app.name })),
  ...migratingApps.map((app) => ({ kind: 'Job' as const, name: migrateName(app), app: app.name })),
  // The topology one-shot ships in the gateway's image.
  { kind: 'Job', name: 'broker-topology', app: 'gateway' },
];

/** The images the workload runs. */
function imagesOf(manifests: readonly Manifest[], workload: (typeof workloads)[number]): string[] {
  const manifest =
    workload.kind === 'Deployment'
      ? named(manifests, Deployment.is, workload.name)
      : named(manifests, Job.is, workload.name);
  return containerImages(manifest);
}

/** The tag the overlay gives the images: the gateway Deployment's. */
function gatewayTag(manifests: readonly Manifest[]): string {
  const [image] = imagesOf(manifests, { kind: 'Deployment', name: 'gateway', app: 'gateway' });
  return image?.split(':').at(-1) ?? '';
}

function everyImage(manifests: readonly Manifest[]): string[] {
  return [...manifests.filter(Deployment.is), ...manifests.filter(Job.is)].flatMap(containerImages);
}

function expectImagesFrom(
  manifests: readonly Manifest[],
  settings: { registry: string; tag: string },
): void {
  for (const workload of workloads) {
    const expected = `${settings.registry}/capstone-${workload.app}:${settings.tag}`;
    const images = imagesOf(manifests, workload);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image, `${workload.kind} ${workload.name}`).toBe(expected);
  }
  // Nothing left as the base writes it, half-completed.
  for (const image of everyImage(manifests)) expect(image).not.toMatch(/^capstone-/);
}

/** The gateway Service's port that a route's backend names leads to the port the gateway listens on. */
function expectGatewayBackend(manifests: readonly Manifest[], rule: RouteRule | undefined): void {
  expect(rule?.backendRefs, 'one backend').toHaveLength(1);
  const backend = rule?.backendRefs?.[0];
  expect(backend?.kind ?? 'Service').toBe('Service');
  expect(backend?.name).toBe('gateway');
  const service = named(manifests, Service.is, 'gateway');
  const servicePort = service.spec?.ports?.find((port) => port.port === backend?.port);
  expect(servicePort, `the gateway Service serves port ${backend?.port}`).toBeDefined();
  const deployment = named(manifests, Deployment.is, 'gateway');
  expect(matchesSelector(deployment.spec?.template.metadata?.labels, service.spec?.selector)).toBe(
    true,
  );
  const container = podSpecOf(deployment).containers.find((item) => item.name === 'gateway');
  if (!container) throw new Error('no gateway container');
  const environment = containerEnvironment(manifests, container).values;
  expect(resolvePort(container.ports, servicePort?.targetPort ?? servicePort?.port)).toBe(
    listeningPort(appNamed('gateway'), environment),
  );
}

function gatewayConfig(manifests: readonly Manifest[]): Record<string, string> {
  const configMaps = manifests
    .filter(ConfigMap.is)
    .filter((item) => item.metadata?.name?.startsWith('gateway-config'));
  expect(configMaps).toHaveLength(1);
  return { ...configMaps[0]?.data };
}

const tlsSettings = () =>
  z
    .object({ data: z.object({ host: z.string(), email: z.string() }) })
    .parse(parse(readFileSync(resolve(repoRoot, TLS_SETTINGS), 'utf8'))).data;

/** A copy of the repository's k8s/ and infra/ (which the dev overlay includes), to edit freely. */
function copyOfManifests(): string {
  const root = mkdtempSync(join(tmpdir(), 'capstone-k8s-'));
  for (const dir of ['k8s', 'infra']) {
    cpSync(resolve(repoRoot, dir), join(root, dir), { recursive: true });
  }
  return root;
}

/** Replaces one `key: value` line of a YAML file of the copy, and checks that one line changed. */
function setLine(root: string, file: string, key: string, value: string): void {
  const path = join(root, file);
  const before = readFileSync(path, 'utf8');
  const after = before.replace(new RegExp(`^(\\s*${key}:).*$`, 'm'), `$1 ${value}`);
  const changed = after.split('\n').filter((line, index) => line !== before.split('\n')[index]);
  expect(changed, `${file}: one line`).toHaveLength(1);
  writeFileSync(path, after);
}

describe.each(overlays)('kubectl kustomize %s: the public entry', (overlay) => {
  let manifests: Manifest[];

  beforeAll(() => {
    manifests = kustomize(overlay);
  });

  it('has a Gateway named capstone, of the class the gateway-api component names, serving HTTP on port 80', () => {
    const gateway = gatewayOf(manifests);
    const component = gatewaySchema.parse(
      parse(readFileSync(resolve(repoRoot, 'k8s/components/gateway-api/gateway.yaml'), 'utf8')),
    );
    expect(gateway.spec.gatewayClassName).toBe(component.spec.gatewayClassName);
    expect(gateway.spec.listeners).toContainEqual(
      expect.objectContaining({ name: 'http', protocol: 'HTTP', port: 80 }),
    );
  });

  it('has no Ingress left: the Gateway API is the way in', () => {
    expect(manifests.filter((item) => item.kind === 'Ingress')).toEqual([]);
  });

  it('attaches the HTTPRoute capstone to that Gateway, for any host name', () => {
    const route = routeOf(manifests);
    expect(route.spec.parentRefs).toEqual([{ name: 'capstone' }]);
    expect(route.spec.hostnames).toBeUndefined();
  });

  it.each([
    '/api/articles?limit=10',
    '/docs',
    '/docs/json',
    '/socket.io/?EIO=4&transport=websocket',
    '/',
    '/index.html',
  ])('sends %s to the gateway Service, on a port that reaches the gateway pods', (url) => {
    expectGatewayBackend(manifests, ruleFor(routeOf(manifests).spec.rules, url));
  });

  it('names /api, /docs, /socket.io and / in the route, the browser’s one origin', () => {
    const prefixes = routeOf(manifests).spec.rules.flatMap((rule) =>
      (rule.matches ?? []).map((match) => match.path?.value),
    );
    expect(prefixes).toEqual(expect.arrayContaining(['/api', '/docs', '/socket.io', '/']));
  });

  it('never cuts a WebSocket: the Socket.IO rule turns the request timeout off', () => {
    const rule = ruleFor(routeOf(manifests).spec.rules, '/socket.io/?EIO=4&transport=websocket');
    const { request, backendRequest } = rule?.timeouts ?? {};
    // Left out, a timeout is the implementation's choice: Envoy's is 15 s.
    expect(request !== undefined && isZeroDuration(request), `request: ${request}`).toBe(true);
    if (backendRequest !== undefined) expect(isZeroDuration(backendRequest)).toBe(true);
  });
});

describe('kubectl kustomize k8s/overlays/prod: HTTPS', () => {
  let manifests: Manifest[];

  beforeAll(() => {
    manifests = kustomize('k8s/overlays/prod');
  });

  it('lets the Gateway’s proxy reach the HTTP-01 solver pod cert-manager starts, through the default-deny', () => {
    const solver = {
      name: 'acme-solver',
      namespace: 'capstone',
      labels: { 'acme.cert-manager.io/http01-solver': 'true' },
      namespaceLabels: { 'kubernetes.io/metadata.name': 'capstone' },
      ports: [],
      governed: true,
    };
    const proxy = {
      name: 'gateway-proxy',
      namespace: 'envoy-gateway-system',
      labels: {},
      namespaceLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' },
      ports: [],
      governed: false,
    };
    const flows = allowedFlows(
      manifests.filter(NetworkPolicy.is),
      [proxy],
      [solver],
      () => [
        { port: 8089, protocol: 'TCP' },
        { port: 8080, protocol: 'TCP' },
      ],
      'capstone',
    );
    expect([...flows]).toEqual(['gateway-proxy → acme-solver:8089']);
  });

  it('serves HTTPS on port 443 for the host of tls/settings.yaml, with a certificate cert-manager gets from Let’s Encrypt', () => {
    const { host, email } = tlsSettings();
    const gateway = gatewayOf(manifests);
    const https = gateway.spec.listeners.find((listener) => listener.protocol === 'HTTPS');
    expect(https).toMatchObject({ port: 443, hostname: host, tls: { mode: 'Terminate' } });
    expect(https?.tls?.certificateRefs).toHaveLength(1);
    const issuerName = gateway.metadata.annotations?.['cert-manager.io/issuer'];
    const issuer = objectOf(
      manifests,
      'cert-manager.io/v1',
      'Issuer',
      issuerName ?? '',
      issuerSchema,
    );
    expect(issuer.spec.acme.server).toBe('https://acme-v02.api.letsencrypt.org/directory');
    expect(issuer.spec.acme.email).toBe(email);
    // The HTTP-01 challenge is answered through this very Gateway, on its port 80.
    expect(issuer.spec.acme.solvers[0]?.http01?.gatewayHTTPRoute?.parentRefs).toEqual([
      { name: 'capstone', kind: 'Gateway' },
    ]);
  });

  it('lets the gateway answer cross-origin calls from https://<host> only', () => {
    expect(gatewayConfig(manifests)['CORS_ORIGINS']).toBe(`https://${tlsSettings().host}`);
  });

  describe('with another host and e-mail address in a copy of tls/settings.yaml', () => {
    let root: string;
    let changed: Manifest[];

    beforeAll(() => {
      root = copyOfManifests();
      setLine(root, TLS_SETTINGS, 'host', 'chat.learner.dev');
      setLine(root, TLS_SETTINGS, 'email', 'learner@learner.dev');
      changed = kustomize(join(root, 'k8s/overlays/prod'));
    });

    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('changes the listener, the CORS origin and the Let’s Encrypt account with them', () => {
      const https = gatewayOf(changed).spec.listeners.find((item) => item.name === 'https');
      expect(https?.hostname).toBe('chat.learner.dev');
      expect(gatewayConfig(changed)['CORS_ORIGINS']).toBe('https://chat.learner.dev');
      const issuer = objectOf(changed, 'cert-manager.io/v1', 'Issuer', 'letsencrypt', issuerSchema);
      expect(issuer.spec.acme.email).toBe('learner@learner.dev');
    });
  });
});

describe('the components, each in a throwaway overlay of the base', () => {
  const base = 'k8s/base';

  it('gateway-api adds the Gateway and its HTTPRoute to the gateway Service', () => {
    const manifests = kustomizeOverlay({
      resources: [base],
      components: ['k8s/components/images', 'k8s/components/gateway-api'],
    });
    expect(gatewayOf(manifests).spec.listeners).toHaveLength(1);
    expectGatewayBackend(manifests, ruleFor(routeOf(manifests).spec.rules, '/'));
  });

  it('load-balancer makes the gateway Service the entry, with no object of a CRD a cluster may lack', () => {
    const manifests = kustomizeOverlay({
      resources: [base],
      components: ['k8s/components/images', 'k8s/components/load-balancer'],
    });
    const service = named(manifests, Service.is, 'gateway');
    expect(service.spec?.type).toBe('LoadBalancer');
    expectGatewayBackend(manifests, { backendRefs: [{ name: 'gateway', port: 80 }] });
    const apiGroups = new Set(manifests.map((item) => item.apiVersion.split('/').at(-2) ?? ''));
    expect(apiGroups).not.toContain('gateway.networking.k8s.io');
    expect(apiGroups).not.toContain('cert-manager.io');
  });

  it('load-balancer keeps the browser’s address and trusts no X-Forwarded-For, which no proxy writes there', () => {
    const manifests = kustomizeOverlay({
      resources: [base],
      components: ['k8s/components/images', 'k8s/components/load-balancer'],
    });
    expect(named(manifests, Service.is, 'gateway').spec?.externalTrafficPolicy).toBe('Local');
    expect(gatewayConfig(manifests)['TRUST_PROXY']).toBe('0');
  });

  it('tls, after gateway-api, adds the HTTPS listener and the Let’s Encrypt Issuer', () => {
    const manifests = kustomizeOverlay({
      resources: [base],
      components: ['k8s/components/images', 'k8s/components/gateway-api', 'k8s/components/tls'],
    });
    expect(gatewayOf(manifests).spec.listeners.map((listener) => listener.port)).toEqual([80, 443]);
    expect(
      objectOf(manifests, 'cert-manager.io/v1', 'Issuer', 'letsencrypt', issuerSchema),
    ).toBeDefined();
  });

  it('images completes every Capstone image from k8s/base/images.yaml', () => {
    const manifests = kustomizeOverlay({
      resources: [base],
      components: ['k8s/components/images'],
    });
    expectImagesFrom(manifests, imageSettings());
  });
});

describe(`the images: registry and tag from ${imagesFile}, in one place`, () => {
  it('runs every Capstone container of the dev overlay from <registry>/capstone-<app>:<tag>', () => {
    expectImagesFrom(kustomize('k8s/overlays/dev'), imageSettings());
  });

  it('runs the prod overlay on a pinned release of the same registry, never latest', () => {
    const manifests = kustomize('k8s/overlays/prod');
    const tag = gatewayTag(manifests);
    expect(tag).toMatch(/^\d+\.\d+\.\d+$/);
    expectImagesFrom(manifests, { registry: imageSettings().registry, tag });
  });

  describe('with another registry (with a port) on the one line of a copy', () => {
    const registry = 'localhost:5001/learner';
    let root: string;

    beforeAll(() => {
      root = copyOfManifests();
      setLine(root, imagesFile, 'registry', registry);
    });

    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it.each(overlays)('has every Deployment and Job of %s follow it', (overlay) => {
      const manifests = kustomize(join(root, overlay));
      expectImagesFrom(manifests, { registry, tag: gatewayTag(kustomize(overlay)) });
      expect(everyImage(manifests).filter((image) => image.includes('ghcr.io'))).toEqual([]);
    });
  });
});
