import { ensureSigningKeyFile } from '@capstone/auth-feature';
import { brokerAdminConfigSchema } from '@capstone/config';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet, type IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import {
  NetworkPolicy,
  type INetworkPolicy,
} from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service, type IService } from 'kubernetes-models/v1/Service';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apps, configShape, migrateName, migratingApps } from './support/apps.js';
import {
  commandOf,
  loadCompose,
  namedVolumes,
  service as composeService,
  serviceEnvironment,
} from './support/compose.js';
import {
  containerEnvironment,
  kustomize,
  matchesSelector,
  named,
  podSpecOf,
  resolvePort,
  secretValues,
  type Manifest,
} from './support/kubernetes.js';
import { podContainers, restrictedProblems } from './support/pod-security.js';
import { matchesLabelSelector } from './support/network-policies.js';

const DEV_OVERLAY = 'k8s/overlays/dev';
const DEV_OVERLAY_KEY = 'k8s/overlays/dev/dev-only/jwt-private.pem';

/** The stores of k8s/components/stores, each by its StatefulSet's name and compose's service. */
const stores = [
  { name: 'postgresql', compose: 'postgres' },
  { name: 'mongodb', compose: 'mongo' },
  { name: 'redis', compose: 'redis' },
  { name: 'redis-cache', compose: 'redis-cache' },
  { name: 'rabbitmq', compose: 'rabbitmq' },
] as const;

/** The variables through which the apps and their Jobs find a store. */
const storeUrlVariables = ['DATABASE_URL', 'MONGO_URL', 'REDIS_URL', 'CACHE_REDIS_URL', 'AMQP_URL'];

const NAME_LABEL = 'app.kubernetes.io/name';

interface PodTemplate {
  readonly kind: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly spec: IPodSpec;
}

/** What each Deployment, Job and StatefulSet runs, with the labels its pods carry. */
function podTemplates(manifests: readonly Manifest[]): PodTemplate[] {
  const workloads = [
    ...manifests.filter(Deployment.is),
    ...manifests.filter(Job.is),
    ...manifests.filter(StatefulSet.is),
  ];
  return workloads.map((workload) => ({
    kind: workload.kind,
    name: workload.metadata?.name ?? '',
    labels: workload.spec?.template.metadata?.labels ?? {},
    spec: podSpecOf(workload),
  }));
}

/** Kubernetes' `$(VAR)` references in a command, an argument or a value, with `$$` escaping them. */
function expandReferences(text: string, values: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name?: string) =>
    name === undefined ? '$' : (values[name] ?? whole),
  );
}

function statefulSet(manifests: readonly Manifest[], name: string): IStatefulSet {
  return named(manifests, StatefulSet.is, name);
}

function storePod(manifests: readonly Manifest[], name: string): IPodSpec {
  return podSpecOf(statefulSet(manifests, name));
}

/** The store's one container, the server. */
function server(manifests: readonly Manifest[], name: string): IContainer {
  const containers = storePod(manifests, name).containers;
  expect(containers).toHaveLength(1);
  return containers[0] as IContainer;
}

/** The environment a store's server starts with, its Secrets resolved. */
function serverEnvironment(manifests: readonly Manifest[], name: string): Record<string, string> {
  return containerEnvironment(manifests, server(manifests, name)).values;
}

/** Its arguments as the container gets them, `$(VAR)` replaced. */
function serverArguments(manifests: readonly Manifest[], name: string): string[] {
  const container = server(manifests, name);
  const environment = serverEnvironment(manifests, name);
  return [...(container.command ?? []), ...(container.args ?? [])].map((argument) =>
    expandReferences(argument, environment),
  );
}

function optionValue(args: readonly string[], option: string): string | undefined {
  const index = args.indexOf(option);
  return index === -1 ? undefined : args[index + 1];
}

/** The content of the file a container sees at this path, from the ConfigMap or Secret mounted there. */
function mountedFile(
  manifests: readonly Manifest[],
  spec: IPodSpec,
  container: IContainer,
  path: string,
): string | undefined {
  for (const mount of container.volumeMounts ?? []) {
    const volume = spec.volumes?.find((candidate) => candidate.name === mount.name);
    const files = volume?.configMap
      ? named(manifests, ConfigMap.is, volume.configMap.name ?? '').data
      : volume?.secret
        ? secretValues(named(manifests, Secret.is, volume.secret.secretName ?? ''))
        : undefined;
    if (!files) continue;
    if (mount.subPath !== undefined) {
      if (mount.mountPath === path) return files[mount.subPath];
    } else if (path.startsWith(`${mount.mountPath}/`)) {
      const relative = path.slice(mount.mountPath.length + 1);
      const item = (volume?.configMap?.items ?? volume?.secret?.items)?.find(
        (candidate) => candidate.path === relative,
      );
      return files[item ? item.key : relative];
    }
  }
  return undefined;
}

/** The files a container sees in this directory, from the ConfigMap or Secret mounted there. */
function mountedDirectory(
  manifests: readonly Manifest[],
  spec: IPodSpec,
  container: IContainer,
  directory: string,
): Record<string, string> {
  const mount = container.volumeMounts?.find((candidate) => candidate.mountPath === directory);
  const volume = spec.volumes?.find((candidate) => candidate.name === mount?.name);
  const name = volume?.configMap?.name;
  return name ? { ...named(manifests, ConfigMap.is, name).data } : {};
}

/**
 * Who connects to which store: every workload, its environment read as its own configuration
 * schema reads it (the apps' Deployments, their migrate Jobs, the broker-topology Job), each URL
 * variable of that schema naming a Service.
 */
function storeClients(manifests: readonly Manifest[]): { workload: string; url: URL }[] {
  const readers = [
    ...apps.map((app) => ({ kind: 'Deployment', name: app.name, schema: app.schema })),
    ...migratingApps.map((app) => ({
      kind: 'Job',
      name: migrateName(app),
      schema: app.migrationSchema ?? app.schema,
    })),
    { kind: 'Job', name: 'broker-topology', schema: brokerAdminConfigSchema },
  ];
  const templates = podTemplates(manifests);
  return readers.flatMap(({ kind, name, schema }) => {
    const template = templates.find((item) => item.kind === kind && item.name === name);
    if (!template) throw new Error(`no ${kind} ${name}`);
    const environment = containerEnvironment(manifests, template.spec.containers[0] as IContainer);
    return Object.keys(configShape(schema))
      .filter((variable) => storeUrlVariables.includes(variable))
      .map((variable) => environment.values[variable])
      .filter((value): value is string => value !== undefined)
      .map((value) => ({ workload: template.labels[NAME_LABEL] ?? name, url: new URL(value) }));
  });
}

/** The Service a URL names, which must exist in the render. */
function serviceOf(manifests: readonly Manifest[], url: URL): IService {
  return named(manifests, Service.is, url.hostname);
}

describe(`kubectl kustomize ${DEV_OVERLAY}: the stores in the cluster`, () => {
  let manifests: Manifest[];

  beforeAll(async () => {
    // The dev overlay's signing key is made on each machine (`npm run keys:dev`), never committed.
    await ensureSigningKeyFile(DEV_OVERLAY_KEY);
    manifests = kustomize(DEV_OVERLAY);
  });

  describe.each(stores)('$name', (store) => {
    let set: IStatefulSet;
    let spec: IPodSpec;

    beforeAll(() => {
      set = statefulSet(manifests, store.name);
      spec = storePod(manifests, store.name);
    });

    it(`runs the official image at the tag compose runs (${store.compose})`, () => {
      const composed = composeService(loadCompose(), store.compose).image;
      // A Docker Official Image: no registry, no namespace; and a version tag, never latest.
      expect(composed).toMatch(/^[a-z0-9-]+:[\w.-]+$/);
      expect(composed).not.toMatch(/:latest$/);
      for (const container of podContainers(spec)) {
        expect(container.image, container.name).toBe(composed);
      }
    });

    it('keeps its data in a volume claim where compose keeps it in a named volume', () => {
      const keepsData = namedVolumes(composeService(loadCompose(), store.compose)).size > 0;
      const claims = set.spec?.volumeClaimTemplates ?? [];
      if (!keepsData) {
        expect(claims).toEqual([]);
        return;
      }
      expect(claims).toHaveLength(1);
      const claim = claims[0];
      expect(claim?.spec?.accessModes).toEqual(['ReadWriteOnce']);
      expect(claim?.spec?.resources?.requests?.['storage']).toBeDefined();
      const mounted = server(manifests, store.name).volumeMounts?.map((mount) => mount.name);
      expect(mounted).toContain(claim?.metadata?.name);
      // Writable by the image's user on a volume whose root belongs to root, and not changed
      // again at every start (PostgreSQL and Erlang refuse files their group may write or read).
      expect(spec.securityContext?.fsGroup).toBeGreaterThan(0);
      expect(spec.securityContext?.fsGroupChangePolicy).toBe('OnRootMismatch');
      // Removed with the StatefulSet: a torn-down cluster leaves no disk to pay for.
      expect(set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted).toBe('Delete');
    });

    it('probes start-up, readiness and liveness, and sets requests and limits', () => {
      const container = server(manifests, store.name);
      expect(container.startupProbe).toBeDefined();
      expect(container.readinessProbe).toBeDefined();
      expect(container.livenessProbe).toBeDefined();
      for (const each of podContainers(spec)) {
        for (const kind of ['requests', 'limits'] as const) {
          expect(each.resources?.[kind]?.['cpu'], `${each.name} ${kind}.cpu`).toBeDefined();
          expect(each.resources?.[kind]?.['memory'], `${each.name} ${kind}.memory`).toBeDefined();
        }
      }
    });

    it('meets the restricted Pod Security Standard, as the namespace enforces', () => {
      const namespace = manifests.find((manifest) => manifest.kind === 'Namespace') as
        { metadata?: { labels?: Record<string, string> } } | undefined;
      expect(namespace?.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe(
        'restricted',
      );
      expect(restrictedProblems(spec)).toEqual([]);
    });

    it('is reached through a headless Service of its name, on the container’s ports', () => {
      const service = named(manifests, Service.is, store.name);
      expect(set.spec?.serviceName).toBe(store.name);
      // Headless: the pods get their own names (<name>-0.<service>), which MongoDB's member needs.
      expect(service.spec?.clusterIP).toBe('None');
      expect(matchesSelector(set.spec?.template.metadata?.labels, service.spec?.selector)).toBe(
        true,
      );
      expect(
        matchesSelector(set.spec?.template.metadata?.labels, set.spec?.selector.matchLabels),
      ).toBe(true);
      const ports = server(manifests, store.name).ports;
      for (const port of service.spec?.ports ?? []) {
        expect(resolvePort(ports, port.targetPort ?? port.port), `port ${port.port}`).toBe(
          port.port,
        );
      }
    });
  });

  it('points every store URL of the apps and their Jobs at a store Service that serves its port', () => {
    const clients = storeClients(manifests);
    expect(new Set(clients.map((client) => client.url.hostname))).toEqual(
      new Set(stores.map((store) => store.name)),
    );
    for (const { workload, url } of clients) {
      const service = serviceOf(manifests, url);
      expect(service.metadata?.labels?.['app.kubernetes.io/component'], url.hostname).toBe('store');
      expect(
        service.spec?.ports?.some((port) => port.port === Number(url.port)),
        `${workload}: ${url.host}`,
      ).toBe(true);
    }
  });

  it('logs the apps in to PostgreSQL and Redis with the credentials those servers are given', () => {
    const postgres = serverEnvironment(manifests, 'postgresql');
    for (const { workload, url } of storeClients(manifests)) {
      const login = [decodeURIComponent(url.username), decodeURIComponent(url.password)];
      if (url.hostname === 'postgresql') {
        expect(login, workload).toEqual([postgres['POSTGRES_USER'], postgres['POSTGRES_PASSWORD']]);
      }
      if (url.hostname === 'redis' || url.hostname === 'redis-cache') {
        const redis = serverArguments(manifests, url.hostname);
        expect(login, `${workload}: ${url.hostname}`).toEqual([
          '',
          optionValue(redis, '--requirepass'),
        ]);
      }
    }
  });

  describe('Redis', () => {
    /** What the gateway needs of each of its Redis servers: see gateway-redis.ts. */
    const evictionPolicies = { REDIS_URL: 'noeviction', CACHE_REDIS_URL: 'allkeys-lru' };

    it.each(Object.entries(evictionPolicies))(
      'runs the server of the gateway’s %s with maxmemory-policy %s',
      (variable, policy) => {
        const gateway = podTemplates(manifests).find(
          (item) => item.kind === 'Deployment' && item.name === 'gateway',
        );
        const container = gateway?.spec.containers[0] as IContainer;
        const url = containerEnvironment(manifests, container).values[variable];
        expect(url, variable).toBeDefined();
        const host = serviceOf(manifests, new URL(url ?? '')).metadata?.name ?? '';
        const args = serverArguments(manifests, host);
        expect(optionValue(args, '--maxmemory-policy')).toBe(policy);
        expect(optionValue(args, '--maxmemory')).toBeDefined();
      },
    );

    it.each(Object.entries(evictionPolicies))(
      'does the same in compose: the server of the gateway’s %s runs with %s',
      (variable, policy) => {
        const compose = loadCompose();
        const url = serviceEnvironment(composeService(compose, 'gateway'))[variable];
        expect(url, variable).toBeDefined();
        const args = commandOf(composeService(compose, new URL(url ?? '').hostname)) ?? [];
        expect(optionValue(args, '--maxmemory-policy')).toBe(policy);
      },
    );
  });

  describe('PostgreSQL', () => {
    it('creates the database of every app that names one, at its first start', () => {
      const spec = storePod(manifests, 'postgresql');
      const scripts = mountedDirectory(
        manifests,
        spec,
        server(manifests, 'postgresql'),
        '/docker-entrypoint-initdb.d',
      );
      const created = Object.entries(scripts)
        .filter(([file]) => file.endsWith('.sql'))
        .flatMap(([, sql]) =>
          [...sql.replace(/--.*$/gm, '').matchAll(/CREATE\s+DATABASE\s+"?(\w+)"?/gi)].map(
            (match) => match[1],
          ),
        );
      const wanted = storeClients(manifests)
        .filter(({ url }) => url.hostname === 'postgresql')
        .map(({ url }) => url.pathname.slice(1));
      expect(new Set(wanted)).toEqual(new Set(['auth', 'blog']));
      expect(created).toEqual(expect.arrayContaining([...new Set(wanted)]));
    });

    it('keeps PGDATA in a directory of its own inside the volume, not at its root', () => {
      const container = server(manifests, 'postgresql');
      const claim = statefulSet(manifests, 'postgresql').spec?.volumeClaimTemplates?.[0];
      const mount = container.volumeMounts?.find((item) => item.name === claim?.metadata?.name);
      const pgdata = serverEnvironment(manifests, 'postgresql')['PGDATA'] ?? '';
      expect(pgdata.startsWith(`${mount?.mountPath}/`), pgdata).toBe(true);
    });
  });

  describe('MongoDB', () => {
    it('runs a replica set, the one the chat’s MONGO_URL names', () => {
      const replicaSet = optionValue(serverArguments(manifests, 'mongodb'), '--replSet');
      expect(replicaSet).toBe('rs0');
      const chat = storeClients(manifests).find(({ url }) => url.hostname === 'mongodb');
      expect(chat?.workload).toBe('chat');
      expect(chat?.url.searchParams.get('replicaSet')).toBe(replicaSet);
    });

    it('initiates the set at every start, from its pod, under a name its Service resolves', () => {
      const spec = storePod(manifests, 'mongodb');
      const container = server(manifests, 'mongodb');
      const hook = (container.lifecycle?.postStart?.exec?.command ?? []).join(' ');
      const scriptPath = /--file (\S+)/.exec(hook)?.[1] ?? '';
      const script = mountedFile(manifests, spec, container, scriptPath) ?? '';
      expect(script).toMatch(/rs\.initiate\(/);
      expect(script).toMatch(/NotYetInitialized/);
      for (const variable of ['MONGODB_REPLICA_SET', 'MONGODB_MEMBER_HOST']) {
        expect(script).toContain(variable);
      }
      const environment = serverEnvironment(manifests, 'mongodb');
      expect(environment['MONGODB_REPLICA_SET']).toBe(
        optionValue(serverArguments(manifests, 'mongodb'), '--replSet'),
      );
      // The first pod of the StatefulSet, under the Service that governs it.
      const podName = container.env?.find((variable) => variable.name === 'POD_NAME');
      expect(podName?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
      const member = expandReferences(environment['MONGODB_MEMBER_HOST'] ?? '', {
        POD_NAME: 'mongodb-0',
      });
      expect(member).toBe('mongodb-0.mongodb:27017');
      // Its own name must resolve while it is not ready yet: readiness waits for the set.
      expect(named(manifests, Service.is, 'mongodb').spec?.publishNotReadyAddresses).toBe(true);
    });

    it('creates the chat’s user, with the password of its MONGO_URL, in the database it names', () => {
      const spec = storePod(manifests, 'mongodb');
      const container = server(manifests, 'mongodb');
      const scripts = mountedDirectory(manifests, spec, container, '/docker-entrypoint-initdb.d');
      const createsUser = Object.values(scripts).some(
        (script) => /createUser\(/.test(script) && /MONGODB_CHAT_USER/.test(script),
      );
      expect(createsUser).toBe(true);
      const environment = serverEnvironment(manifests, 'mongodb');
      const chat = storeClients(manifests).find(({ url }) => url.hostname === 'mongodb')?.url;
      expect(decodeURIComponent(chat?.username ?? '')).toBe(environment['MONGODB_CHAT_USER']);
      expect(decodeURIComponent(chat?.password ?? '')).toBe(environment['MONGODB_CHAT_PASSWORD']);
      expect(chat?.pathname).toBe(`/${environment['MONGODB_CHAT_DATABASE']}`);
      // The user lives in the chat's database, where the driver looks for it by default.
      expect(chat?.searchParams.get('authSource') ?? environment['MONGODB_CHAT_DATABASE']).toBe(
        environment['MONGODB_CHAT_DATABASE'],
      );
    });

    it('reads its replica-set key from a copy that an init container makes from the Secret', () => {
      const spec = storePod(manifests, 'mongodb');
      const keyFile = optionValue(serverArguments(manifests, 'mongodb'), '--keyFile') ?? '';
      const directory = keyFile.slice(0, keyFile.lastIndexOf('/'));
      const volume = server(manifests, 'mongodb').volumeMounts?.find(
        (mount) => mount.mountPath === directory,
      )?.name;
      const copier = spec.initContainers?.find((container) =>
        container.volumeMounts?.some((mount) => mount.name === volume && !mount.readOnly),
      );
      expect(copier?.command).toContain(keyFile);
      const source =
        copier?.command?.find((argument) => argument.endsWith('.key') && argument !== keyFile) ??
        '';
      expect(mountedFile(manifests, spec, copier as IContainer, source)).toMatch(
        /^[A-Za-z0-9+/=]{6,1024}$/,
      );
    });
  });

  describe('RabbitMQ', () => {
    const definitionsSchema = z.object({
      users: z.array(z.object({ name: z.string(), password: z.string() })),
    });

    function loaded(): { config: string; definitions: z.infer<typeof definitionsSchema> } {
      const spec = storePod(manifests, 'rabbitmq');
      const container = server(manifests, 'rabbitmq');
      const conf = (container.volumeMounts ?? [])
        .map((mount) => mount.mountPath)
        .filter((path) => /^\/etc\/rabbitmq\/conf\.d\/[^/]+\.conf$/.test(path))
        .map((path) => mountedFile(manifests, spec, container, path) ?? '')
        .join('\n');
      const directory = /^load_definitions\s*=\s*(\S+)/m.exec(conf)?.[1] ?? '';
      const files = (container.volumeMounts ?? [])
        .map((mount) => mount.mountPath)
        .filter((path) => path.startsWith(`${directory}/`) && path.endsWith('.json'));
      expect(files).toHaveLength(1);
      const definitions = definitionsSchema.parse(
        JSON.parse(mountedFile(manifests, spec, container, files[0] ?? '') ?? '{}'),
      );
      return { config: conf, definitions };
    }

    it('loads the definitions Secret of infra/rabbitmq at boot', () => {
      const volumes = storePod(manifests, 'rabbitmq').volumes ?? [];
      expect(volumes.map((volume) => volume.secret?.secretName)).toContain('rabbitmq-definitions');
      expect(loaded().config).toMatch(/^load_definitions = /m);
    });

    it('has the user, with its password, that every app and Job logs in as', () => {
      const { users } = loaded().definitions;
      const logins = storeClients(manifests).filter(({ url }) => url.hostname === 'rabbitmq');
      expect(new Set(logins.map(({ workload }) => workload))).toEqual(
        new Set([...apps.map((app) => app.name), 'broker-topology']),
      );
      for (const { workload, url } of logins) {
        const user = users.find((candidate) => candidate.name === decodeURIComponent(url.username));
        expect(user?.password, workload).toBe(decodeURIComponent(url.password));
      }
    });
  });

  describe('NetworkPolicies', () => {
    /** The pods a policy peer admits, among every pod of the render; only pods of this namespace. */
    function admittedBy(peer: INetworkPolicyPeer, pods: readonly PodTemplate[]): string[] {
      expect(peer.ipBlock, 'no address ranges').toBeUndefined();
      expect(peer.namespaceSelector, 'no other namespaces').toBeUndefined();
      const selector = peer.podSelector;
      if (!selector) throw new Error('a peer without a podSelector');
      return pods
        .filter((pod) => matchesLabelSelector(pod.labels, selector))
        .map((pod) => pod.labels[NAME_LABEL] ?? pod.name);
    }

    it.each(stores)(
      'admit to $name exactly the pods whose configuration names it, on its port only',
      (store) => {
        const pods = podTemplates(manifests);
        const labels = statefulSet(manifests, store.name).spec?.template.metadata?.labels ?? {};
        const policies: INetworkPolicy[] = manifests
          .filter(NetworkPolicy.is)
          .filter((policy) => matchesLabelSelector(labels, policy.spec?.podSelector ?? {}));
        expect(
          policies.some((policy) => policy.spec?.policyTypes?.includes('Ingress')),
          'a policy that limits its ingress',
        ).toBe(true);
        const containerPorts = server(manifests, store.name).ports;
        const clientPort = Number(
          storeClients(manifests).find(({ url }) => url.hostname === store.name)?.url.port,
        );
        const admitted = new Set<string>();
        for (const rule of policies.flatMap((policy) => policy.spec?.ingress ?? [])) {
          expect(rule.from?.length, 'a rule that names who it admits').toBeGreaterThan(0);
          expect(
            (rule.ports ?? []).map((port) => resolvePort(containerPorts, port.port)),
            'the ports it admits',
          ).toEqual([clientPort]);
          for (const peer of rule.from ?? []) {
            for (const name of admittedBy(peer, pods)) admitted.add(name);
          }
        }
        const clients = storeClients(manifests)
          .filter(({ url }) => url.hostname === store.name)
          .map(({ workload }) => workload);
        expect([...admitted].sort()).toEqual([...new Set(clients)].sort());
      },
    );
  });
});
