import { ensureSigningKeyFile } from '@capstone/auth-feature';
import { importPKCS8 } from 'jose';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { SHUTDOWN_LIMIT_MS } from '@capstone/service-defaults';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { brokerAdminConfigSchema } from '@capstone/config';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  appNamed,
  apps,
  bundleOf,
  configProblems,
  containerRequiredVariables,
  databasesOf,
  healthPaths,
  listeningPort,
  loadedConfig,
  migrateName,
  migratingApps,
  repoRoot,
  type AppName,
  type AppUnderTest,
} from './support/apps.js';
import { last } from './support/dockerfile.js';
import { imageOf as dockerImageOf } from './support/images.js';
import {
  containerEnvironment,
  kustomize,
  matchesSelector,
  named,
  podOrContainer,
  resolvePort,
  secretValues,
  type Manifest,
} from './support/kubernetes.js';

/** The image's name in the base; an overlay puts the registry before it and a tag after it. */
const imageOf = (app: AppUnderTest) => `capstone-${app.name}`;

/** Where an app serves /metrics: the gateway on METRICS_PORT, apart from its API; the others on their health port. */
const metricsPortOf = (app: AppUnderTest, environment: Record<string, string>) =>
  app.name === 'gateway'
    ? Number(loadedConfig(app, environment)['METRICS_PORT'])
    : listeningPort(app, environment);
const imageUid = (app: AppUnderTest) =>
  Number((last(dockerImageOf(app.name).final, 'USER')?.args ?? '').split(':')[0]);

/**
 * The apps that connections reach through their Service: the HTTPRoute sends requests to the
 * gateway's, and the gateway forwards Socket.IO to the chat's. Auth and blog get theirs over RabbitMQ.
 */
const servedThroughService: readonly AppName[] = ['gateway', 'chat'];

/** Cluster-wide kinds; every other object belongs in the overlay's namespace. */
const clusterScoped = new Set(['Namespace']);

function podSpec(deployment: IDeployment): IPodSpec {
  const spec = deployment.spec?.template.spec;
  if (!spec) throw new Error(`${deployment.metadata?.name} has no pod spec`);
  return spec;
}

function onlyContainer(spec: IPodSpec): IContainer {
  expect(spec.containers).toHaveLength(1);
  return spec.containers[0] as IContainer;
}

/** The checks every container of an app must pass, in a Deployment or in the migrate Job. */
function expectSecureContainer(app: AppUnderTest, spec: IPodSpec, container: IContainer): void {
  expect(podOrContainer(spec, container, 'runAsNonRoot')).toBe(true);
  const uid = podOrContainer(spec, container, 'runAsUser') ?? imageUid(app);
  expect(uid).toBe(imageUid(app));
  expect(uid).toBeGreaterThan(0);
  expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
  expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
  expect(container.securityContext?.capabilities?.drop).toContain('ALL');
  const seccomp = container.securityContext?.seccompProfile ?? spec.securityContext?.seccompProfile;
  expect(seccomp?.type).toBe('RuntimeDefault');
  for (const kind of ['requests', 'limits'] as const) {
    expect(container.resources?.[kind]?.['cpu'], `${kind}.cpu`).toBeDefined();
    expect(container.resources?.[kind]?.['memory'], `${kind}.memory`).toBeDefined();
  }
}

/** The environment the app's Deployment starts its container with. */
function appEnvironment(manifests: readonly Manifest[], app: AppUnderTest): Record<string, string> {
  const container = onlyContainer(podSpec(named(manifests, Deployment.is, app.name)));
  return containerEnvironment(manifests, container).values;
}

/** The configuration the app's pods run with, defaults applied. */
function appConfig(manifests: readonly Manifest[], name: AppName): Record<string, unknown> {
  const app = appNamed(name);
  return loadedConfig(app, appEnvironment(manifests, app));
}

/** The environment the app gets must hold what it needs and pass its own validation. */
function expectCompleteEnvironment(
  manifests: readonly Manifest[],
  app: AppUnderTest,
  container: IContainer,
): Record<string, string> {
  const environment = containerEnvironment(manifests, container);
  expect(environment.unresolved, 'references to missing ConfigMaps/Secrets').toEqual([]);
  const missing = containerRequiredVariables(app).filter((name) => !(name in environment.values));
  expect(missing, `${app.name} needs these from its ConfigMap or Secret`).toEqual([]);
  expect(environment.values['NODE_ENV']).toBe('production');
  expect(configProblems(app, environment.values)).toEqual([]);
  return environment.values;
}

const DEV_OVERLAY_KEY = 'k8s/overlays/dev/dev-only/jwt-private.pem';

describe.each([
  { overlay: 'k8s/base', namespace: undefined },
  { overlay: 'k8s/overlays/dev', namespace: 'capstone-dev' },
  { overlay: 'k8s/overlays/prod', namespace: 'capstone' },
])('kubectl kustomize $overlay', ({ overlay, namespace }) => {
  let manifests: Manifest[];

  beforeAll(async () => {
    // The dev overlay's signing key is made on each machine (`npm run keys:dev`), never committed.
    if (overlay === 'k8s/overlays/dev') await ensureSigningKeyFile(DEV_OVERLAY_KEY);
    manifests = kustomize(overlay);
  });

  it(namespace ? `puts everything in namespace ${namespace}` : 'sets no namespace', () => {
    for (const manifest of manifests.filter((item) => !clusterScoped.has(item.kind))) {
      expect(manifest.metadata?.namespace, `${manifest.kind} ${manifest.metadata?.name}`).toBe(
        namespace,
      );
    }
  });

  describe.each(apps)('the $name Deployment', (app) => {
    let deployment: IDeployment;
    let spec: IPodSpec;
    let container: IContainer;

    beforeAll(() => {
      deployment = named(manifests, Deployment.is, app.name);
      spec = podSpec(deployment);
      container = onlyContainer(spec);
    });

    it(`runs the ${app.name} image`, () => {
      expect(container.image).toMatch(new RegExp(`(^|/)${imageOf(app)}(:[\\w.-]+)?$`));
    });

    it('probes readiness, liveness and start-up on the port the app listens on', () => {
      const environment = containerEnvironment(manifests, container).values;
      const port = listeningPort(app, environment);
      const probes = {
        readiness: container.readinessProbe,
        liveness: container.livenessProbe,
        startup: container.startupProbe,
      };
      expect(probes.readiness?.httpGet?.path).toBe(healthPaths.ready);
      expect(probes.liveness?.httpGet?.path).toBe(healthPaths.live);
      expect(probes.startup?.httpGet?.path).toBe(healthPaths.live);
      for (const [kind, probe] of Object.entries(probes)) {
        expect(resolvePort(container.ports, probe?.httpGet?.port), `${kind} port`).toBe(port);
      }
    });

    it('runs unprivileged, read-only, with requests and limits', () => {
      expectSecureContainer(app, spec, container);
    });

    it('announces /metrics to Prometheus on the port that serves it, a port it exposes', () => {
      const port = metricsPortOf(app, containerEnvironment(manifests, container).values);
      expect(deployment.spec?.template.metadata?.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(port),
        'prometheus.io/path': '/metrics',
      });
      expect(resolvePort(container.ports, port)).toBe(port);
    });

    it('gets every variable the app needs from its ConfigMap and Secret', () => {
      expectCompleteEnvironment(manifests, app, container);
    });

    it('is reached through a Service that targets a port the container exposes', () => {
      const services = manifests
        .filter(Service.is)
        .filter((item) =>
          matchesSelector(deployment.spec?.template.metadata?.labels, item.spec?.selector),
        );
      expect(services.length).toBeGreaterThan(0);
      for (const item of services) {
        expect(item.spec?.type ?? 'ClusterIP').toBe('ClusterIP');
        for (const servicePort of item.spec?.ports ?? []) {
          const target = servicePort.targetPort ?? servicePort.port;
          expect(resolvePort(container.ports, target), `targetPort ${target}`).toBeDefined();
        }
      }
    });

    it('leaves the app time to stop: its preStop pause and its own shutdown limit fit in the grace period', () => {
      const pause = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(pause + SHUTDOWN_LIMIT_MS / 1000);
    });

    if (servedThroughService.includes(app.name)) {
      it('pauses before SIGTERM, with Kubernetes’ sleep action, until kube-proxy and the Gateway stop sending it connections', () => {
        expect(container.lifecycle?.preStop).toEqual({ sleep: { seconds: expect.any(Number) } });
        expect(container.lifecycle?.preStop?.sleep?.seconds).toBeGreaterThanOrEqual(5);
      });
    }

    it('is scaled by an autoscaling/v2 HPA, whose range alone sets its replicas', () => {
      const hpa = manifests
        .filter(HorizontalPodAutoscaler.is)
        .find(
          (item) =>
            item.spec?.scaleTargetRef.kind === 'Deployment' &&
            item.spec.scaleTargetRef.name === app.name,
        );
      expect(hpa?.apiVersion).toBe('autoscaling/v2');
      const min = hpa?.spec?.minReplicas ?? 1;
      expect(min).toBeGreaterThanOrEqual(1);
      expect(hpa?.spec?.maxReplicas).toBeGreaterThan(min);
      // Each apply would otherwise reset the count the HPA chose.
      expect(deployment.spec?.replicas).toBeUndefined();
    });
  });

  describe.each(migratingApps)('the $name migrate Job', (app) => {
    it(`runs the built migrate.js with the ${app.name} image and configuration, securely`, () => {
      const job = named(manifests, Job.is, migrateName(app));
      const spec = job.spec?.template.spec;
      if (!spec) throw new Error('the Job has no pod spec');
      const container = onlyContainer(spec);
      const deployed = onlyContainer(podSpec(named(manifests, Deployment.is, app.name)));
      expect(container.image).toBe(deployed.image);
      expect([...(container.command ?? []), ...(container.args ?? [])]).toEqual([
        'node',
        bundleOf(app.name, 'migrate.ts'),
      ]);
      expect(['Never', 'OnFailure']).toContain(spec.restartPolicy);
      expectSecureContainer(app, spec, container);
      const environment = expectCompleteEnvironment(manifests, app, container);
      expect(environment['DATABASE_URL']).toBe(
        containerEnvironment(manifests, deployed).values['DATABASE_URL'],
      );
    });

    it(`leaves migrations to the Job: ${app.name} pods do not migrate at start`, () => {
      const deployed = onlyContainer(podSpec(named(manifests, Deployment.is, app.name)));
      expect(containerEnvironment(manifests, deployed).values['MIGRATIONS_RUN']).toBe('false');
    });
  });

  describe('the broker-topology Job', () => {
    it('runs the built broker-topology.js with the gateway image, securely, on the apps’ broker', () => {
      const gateway = appNamed('gateway');
      const job = named(manifests, Job.is, 'broker-topology');
      const spec = job.spec?.template.spec;
      if (!spec) throw new Error('the Job has no pod spec');
      const container = onlyContainer(spec);
      const deployed = onlyContainer(podSpec(named(manifests, Deployment.is, 'gateway')));
      expect(container.image).toBe(deployed.image);
      expect([...(container.command ?? []), ...(container.args ?? [])]).toEqual([
        'node',
        bundleOf('gateway', 'broker-topology.ts'),
      ]);
      expect(['Never', 'OnFailure']).toContain(spec.restartPolicy);
      expectSecureContainer(gateway, spec, container);
      const environment = containerEnvironment(manifests, container);
      expect(environment.unresolved).toEqual([]);
      expect(configProblems(gateway, environment.values, brokerAdminConfigSchema)).toEqual([]);
      const broker = (values: Record<string, string>) => {
        const url = new URL(values['AMQP_URL'] ?? '');
        return `${url.host}${url.pathname}`;
      };
      for (const app of apps) {
        expect(broker(appEnvironment(manifests, app)), app.name).toBe(broker(environment.values));
      }
    });
  });

  it('gives every app with a database, PostgreSQL or MongoDB, one of its own, by name', () => {
    const databases = apps.flatMap((app) => databasesOf(appEnvironment(manifests, app)));
    // auth and blog on PostgreSQL, the chat on MongoDB.
    expect(databases.length).toBeGreaterThanOrEqual(3);
    for (const database of databases) expect(database, 'names a database').toMatch(/\/\w+$/);
    expect(new Set(databases).size, `one database each: ${databases.join(', ')}`).toBe(
      databases.length,
    );
  });

  it('forwards Socket.IO from the gateway to the chat Service, which reaches the chat pods', () => {
    const chatUrl = new URL(String(appConfig(manifests, 'gateway')['CHAT_URL']));
    const service = named(manifests, Service.is, chatUrl.hostname);
    const servicePort = service.spec?.ports?.find(
      (port) => port.port === Number(chatUrl.port || 80),
    );
    expect(servicePort, `the ${chatUrl.hostname} Service serves ${chatUrl.host}`).toBeDefined();
    const chat = named(manifests, Deployment.is, 'chat');
    expect(matchesSelector(chat.spec?.template.metadata?.labels, service.spec?.selector)).toBe(
      true,
    );
    const container = onlyContainer(podSpec(chat));
    expect(resolvePort(container.ports, servicePort?.targetPort ?? servicePort?.port)).toBe(
      listeningPort(appNamed('chat'), appEnvironment(manifests, appNamed('chat'))),
    );
  });

  // With ClientIP affinity, every connection a gateway pod forwards would land on one chat pod.
  it('spreads the chat connections over the chat pods: no session affinity on its Service', () => {
    const service = named(manifests, Service.is, 'chat');
    expect(service.spec?.sessionAffinity ?? 'None').toBe('None');
  });

  it('has the chat accept the tokens the gateway accepts: the same issuer and audience', () => {
    const claims = (name: AppName) => {
      const config = appConfig(manifests, name);
      return { issuer: config['JWT_ISSUER'], audience: config['JWT_AUDIENCE'] };
    };
    expect(claims('chat')).toEqual(claims('gateway'));
  });

  it('gives the gateway and the chat Redis key prefixes apart, so that they may share one Redis', () => {
    const gateway = String(appConfig(manifests, 'gateway')['REDIS_KEY_PREFIX']);
    const chat = String(appConfig(manifests, 'chat')['REDIS_KEY_PREFIX']);
    expect(chat.startsWith(gateway), `${chat} is inside ${gateway}`).toBe(false);
    expect(gateway.startsWith(chat), `${gateway} is inside ${chat}`).toBe(false);
  });

  it('connects every app to the same RabbitMQ virtual host, where they find each other', () => {
    const brokers = new Set(
      apps.map((app) => {
        const url = new URL(appEnvironment(manifests, app)['AMQP_URL'] ?? '');
        return `${url.host}${url.pathname}`;
      }),
    );
    expect([...brokers]).toHaveLength(1);
  });

  it('connects each app to RabbitMQ as a user of its own, as in compose', () => {
    for (const app of apps) {
      const url = new URL(appEnvironment(manifests, app)['AMQP_URL'] ?? '');
      expect(decodeURIComponent(url.username), app.name).toBe(app.name);
    }
  });

  it.each(apps.map((app) => app.name))(
    'keeps at most one %s pod out during voluntary disruptions',
    (name) => {
      const deployment = named(manifests, Deployment.is, name);
      const budgets = manifests
        .filter(PodDisruptionBudget.is)
        .filter((item) =>
          matchesSelector(
            deployment.spec?.template.metadata?.labels,
            item.spec?.selector?.matchLabels,
          ),
        );
      expect(budgets).toHaveLength(1);
      const budget = budgets[0]?.spec;
      expect(budget?.maxUnavailable ?? budget?.minAvailable).toBeDefined();
      if (budget?.maxUnavailable !== undefined) expect(budget.maxUnavailable).toBe(1);
    },
  );

  if (overlay === 'k8s/overlays/dev') {
    it('runs one replica of each app, and two at most', () => {
      for (const app of apps) {
        const hpa = named(manifests, HorizontalPodAutoscaler.is, app.name);
        expect([hpa.spec?.minReplicas, hpa.spec?.maxReplicas], app.name).toEqual([1, 2]);
      }
    });

    it('keeps every database on the one PostgreSQL server the overlay expects', () => {
      const servers = new Set(
        apps
          .map((app) => appEnvironment(manifests, app)['DATABASE_URL'])
          .filter((url): url is string => url !== undefined)
          .map((url) => new URL(url).host),
      );
      expect([...servers]).toEqual(['postgresql:5432']);
    });

    it('points the chat at the stores’ mongodb Service, and at the Redis the gateway uses', () => {
      const chat = appEnvironment(manifests, appNamed('chat'));
      const gateway = appEnvironment(manifests, appNamed('gateway'));
      expect(new URL(chat['MONGO_URL'] ?? '').host).toBe('mongodb:27017');
      expect(new URL(chat['REDIS_URL'] ?? '').host).toBe('redis:6379');
      expect(chat['REDIS_URL']).toBe(gateway['REDIS_URL']);
    });

    it('gives the broker the users the apps log in as, with their passwords, in a Secret it loads', () => {
      const secret = named(manifests, Secret.is, 'rabbitmq-definitions');
      const files = secretValues(secret);
      expect(files['rabbitmq.conf']).toMatch(/^load_definitions = /m);
      const { users } = z
        .object({ users: z.array(z.object({ name: z.string(), password: z.string() })) })
        .parse(JSON.parse(files['definitions.json'] ?? '{}'));
      for (const app of apps) {
        const url = new URL(appEnvironment(manifests, app)['AMQP_URL'] ?? '');
        const user = users.find((candidate) => candidate.name === app.name);
        expect(user?.password, app.name).toBe(decodeURIComponent(url.password));
      }
    });

    it('gives auth a signing key it can load', async () => {
      const auth = onlyContainer(podSpec(named(manifests, Deployment.is, 'auth')));
      const pem = containerEnvironment(manifests, auth).values['JWT_PRIVATE_KEY'] ?? '';
      await expect(importPKCS8(pem.replace(/\\n/g, '\n'), 'ES256')).resolves.toBeDefined();
    });
  }

  if (overlay === 'k8s/overlays/prod') {
    it('pins release tags and runs more than one replica of each app', () => {
      for (const app of apps) {
        const deployment = named(manifests, Deployment.is, app.name);
        const image = onlyContainer(podSpec(deployment)).image ?? '';
        expect(image).not.toMatch(/:latest$/);
        const hpa = named(manifests, HorizontalPodAutoscaler.is, app.name);
        expect(hpa.spec?.minReplicas, app.name).toBeGreaterThanOrEqual(2);
      }
    });
  }

  if (overlay === 'k8s/base') {
    it('names each image capstone-<app>, for the overlays to complete (k8s/base/images.yaml)', () => {
      for (const app of apps) {
        const container = onlyContainer(podSpec(named(manifests, Deployment.is, app.name)));
        expect(container.image).toBe(imageOf(app));
      }
      expect(named(manifests, HorizontalPodAutoscaler.is, 'gateway').spec?.minReplicas).toBe(2);
    });

    it('never scales the chat below two pods: scale-out is the point', () => {
      expect(named(manifests, HorizontalPodAutoscaler.is, 'chat').spec?.minReplicas).toBe(2);
    });
  }
});

describe('kubectl kustomize k8s/examples/observed: the optional observability components', () => {
  let manifests: Manifest[];

  beforeAll(() => {
    manifests = kustomize('k8s/examples/observed');
  });

  const podMonitors = () =>
    manifests
      .filter((item) => item.kind === 'PodMonitor')
      .map((item) =>
        z
          .object({
            apiVersion: z.literal('monitoring.coreos.com/v1'),
            metadata: z.object({ name: z.string() }),
            spec: z.object({
              selector: z.object({
                matchLabels: z.record(z.string(), z.string()).optional(),
                matchExpressions: z
                  .array(
                    z.object({
                      key: z.string(),
                      operator: z.string(),
                      values: z.array(z.string()),
                    }),
                  )
                  .optional(),
              }),
              podMetricsEndpoints: z.array(z.object({ port: z.string(), path: z.string() })),
            }),
          })
          .parse(item),
      );

  it.each(apps)(
    'has a PodMonitor that scrapes /metrics of the $name pods on the port that serves it',
    (app) => {
      const deployment = named(manifests, Deployment.is, app.name);
      const container = onlyContainer(podSpec(deployment));
      const labels = deployment.spec?.template.metadata?.labels ?? {};
      const selecting = podMonitors().filter(
        ({ spec: { selector } }) =>
          Object.entries(selector.matchLabels ?? {}).every(
            ([key, value]) => labels[key] === value,
          ) &&
          (selector.matchExpressions ?? []).every(
            (expression) =>
              expression.operator === 'In' &&
              expression.values.includes(labels[expression.key] ?? ''),
          ),
      );
      expect(selecting).toHaveLength(1);
      const endpoints = selecting[0]?.spec.podMetricsEndpoints ?? [];
      const port = metricsPortOf(app, containerEnvironment(manifests, container).values);
      expect(
        endpoints.map((endpoint) => [resolvePort(container.ports, endpoint.port), endpoint.path]),
      ).toEqual([[port, '/metrics']]);
    },
  );

  it('scales the chat on open connections per pod, the series the chat exports, as well as on CPU', () => {
    const hpa = named(manifests, HorizontalPodAutoscaler.is, 'chat');
    expect(hpa.spec?.metrics?.map((metric) => metric.type)).toEqual(['Resource', 'Pods']);
    expect(hpa.spec?.metrics?.[1]?.pods?.metric.name).toBe('capstone_chat_connections');
    expect(hpa.spec?.metrics?.[1]?.pods?.target).toMatchObject({ type: 'AverageValue' });
  });
});

describe('k8s/README.md', () => {
  it('waits for the broker-topology Job, with the migrate Jobs, before every rollout it describes', () => {
    const readme = readFileSync(resolve(repoRoot, 'k8s/README.md'), 'utf8');
    const waits = readme
      .split('\n')
      .filter((line) => line.includes('wait --for=condition=complete'));
    expect(waits.length).toBeGreaterThan(0);
    for (const line of waits) expect(line).toContain('job/broker-topology');
  });
});
