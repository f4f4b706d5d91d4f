import { ensureSigningKeyFile } from '@capstone/auth-feature';
import { brokerSettings, loadConfig, postgresSettings } from '@capstone/config';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apps, bundleOf, migrateName, migratingApps, type AppName } from './support/apps.js';
import {
  containerEnvironment,
  kustomize,
  named,
  podSpecOf,
  type Manifest,
} from './support/kubernetes.js';
import { podContainers, restrictedProblems } from './support/pod-security.js';
import {
  allowedFlows,
  describeProbe,
  matchesLabelSelector,
  type Endpoint,
  type Probe,
} from './support/network-policies.js';

const NAME = 'app.kubernetes.io/name';

/** A rendered object that runs pods: a Deployment, a Job, a StatefulSet. */
interface Workload extends Manifest {
  readonly spec: { readonly template: IPodTemplateSpec };
}

const isWorkload = (manifest: Manifest): manifest is Workload =>
  ['Deployment', 'Job', 'StatefulSet', 'DaemonSet'].includes(manifest.kind);

const podLabels = (workload: Workload): Record<string, string> =>
  workload.spec.template.metadata?.labels ?? {};

/** The pods of the apps and their deploy steps: what these manifests own. */
const appPods = [
  'gateway',
  'auth',
  'blog',
  'chat',
  'auth-migrate',
  'blog-migrate',
  'broker-topology',
];

/** The stores of the README's diagram, by pod name, and the port each serves. */
const storePorts: Record<string, number> = {
  postgresql: 5432,
  mongodb: 27017,
  redis: 6379,
  'redis-cache': 6379,
  rabbitmq: 5672,
};

/** Which stores each app pod talks to (the README's diagram, plus the deploy steps). */
const storesOf: Record<string, readonly string[]> = {
  gateway: ['redis', 'redis-cache', 'rabbitmq'],
  auth: ['postgresql', 'rabbitmq'],
  blog: ['postgresql', 'rabbitmq'],
  chat: ['mongodb', 'redis', 'rabbitmq'],
  'auth-migrate': ['postgresql'],
  'blog-migrate': ['postgresql'],
  'broker-topology': ['rabbitmq'],
};

/** Where /metrics is served: the gateway on its own metrics port, the others on their HTTP port. */
const metricsPorts: Record<AppName, number> = { gateway: 9464, auth: 3001, blog: 3002, chat: 3003 };

/** Ports a flow to something outside the manifests might try: the stores', DNS, and a few others. */
const outsideProbes: readonly Probe[] = [
  ...[53, 80, 443, 3000, 3001, 3002, 3003, 4317, 4318, 5432, 5672, 6379, 9464, 27017].map(
    (port) => ({ port, protocol: 'TCP' as const }),
  ),
  { port: 53, protocol: 'UDP' },
];

const DEV_OVERLAY_KEY = 'k8s/overlays/dev/dev-only/jwt-private.pem';

describe.each(['k8s/base', 'k8s/overlays/dev', 'k8s/overlays/prod'])(
  'the policies kubectl kustomize %s meets',
  (overlay) => {
    let manifests: Manifest[];
    let workloads: Workload[];

    beforeAll(async () => {
      // The dev overlay's signing key is made on each machine (`npm run keys:dev`), never committed.
      if (overlay === 'k8s/overlays/dev') await ensureSigningKeyFile(DEV_OVERLAY_KEY);
      manifests = kustomize(overlay);
      workloads = manifests.filter(isWorkload);
    });

    const workloadOf = (kind: string, name: string): Workload => {
      const found = workloads.filter((item) => item.kind === kind && item.metadata?.name === name);
      if (found.length !== 1)
        throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
      return found[0] as Workload;
    };
    const deploymentOf = (name: string) => workloadOf('Deployment', name);
    const ownWorkloads = () =>
      workloads.filter((workload) => appPods.includes(podLabels(workload)[NAME] ?? ''));
    const hpaTargets = () =>
      new Set(
        manifests
          .filter(HorizontalPodAutoscaler.is)
          .filter((hpa) => hpa.spec?.scaleTargetRef.kind === 'Deployment')
          .map((hpa) => hpa.spec?.scaleTargetRef.name),
      );

    it('runs every app pod, init containers included, as the restricted Pod Security Standard asks', () => {
      expect(
        ownWorkloads()
          .map((workload) => podLabels(workload)[NAME])
          .sort(),
      ).toEqual([...appPods].sort());
      for (const workload of ownWorkloads()) {
        const spec = podSpecOf(workload);
        expect(restrictedProblems(spec), workload.metadata?.name).toEqual([]);
        for (const container of podContainers(spec)) {
          const where = `${workload.metadata?.name}/${container.name}`;
          // Beyond the standard: nothing in the image may change while it runs.
          expect(container.securityContext?.readOnlyRootFilesystem, where).toBe(true);
          for (const kind of ['requests', 'limits'] as const) {
            expect(container.resources?.[kind]?.['cpu'], `${where} ${kind}.cpu`).toBeDefined();
            expect(
              container.resources?.[kind]?.['memory'],
              `${where} ${kind}.memory`,
            ).toBeDefined();
          }
        }
      }
    });

    it('probes start-up, liveness and readiness of every app container', () => {
      for (const app of apps) {
        for (const container of podSpecOf(deploymentOf(app.name)).containers) {
          expect(container.startupProbe, `${app.name} startup`).toBeDefined();
          expect(container.livenessProbe, `${app.name} liveness`).toBeDefined();
          expect(container.readinessProbe, `${app.name} readiness`).toBeDefined();
        }
      }
    });

    it('leaves the replica count to the HPA: no Deployment it scales sets `replicas`', () => {
      const scaled = [...hpaTargets()];
      expect(scaled.sort()).toEqual(apps.map((app) => app.name).sort());
      for (const name of scaled) {
        const deployment = named(manifests, Deployment.is, name ?? '');
        expect(deployment.spec?.replicas, name).toBeUndefined();
      }
    });

    it('keeps a PodDisruptionBudget over the pods of every Deployment an HPA scales', () => {
      for (const name of hpaTargets()) {
        const labels = podLabels(deploymentOf(name ?? ''));
        const budgets = manifests
          .filter(PodDisruptionBudget.is)
          .filter((budget) => matchesLabelSelector(labels, budget.spec?.selector ?? {}));
        expect(budgets, `${name}: one budget`).toHaveLength(1);
        // A count, not minAvailable: a drain never blocks at one replica.
        expect(budgets[0]?.spec?.maxUnavailable, name).toBe(1);
      }
    });

    it('spreads every app’s pods over zones and nodes, without refusing to schedule them', () => {
      for (const app of apps) {
        const deployment = deploymentOf(app.name);
        const constraints = podSpecOf(deployment).topologySpreadConstraints ?? [];
        expect(constraints.map((constraint) => constraint.topologyKey).sort(), app.name).toEqual([
          'kubernetes.io/hostname',
          'topology.kubernetes.io/zone',
        ]);
        for (const constraint of constraints) {
          expect(constraint.whenUnsatisfiable).toBe('ScheduleAnyway');
          expect(matchesLabelSelector(podLabels(deployment), constraint.labelSelector ?? {})).toBe(
            true,
          );
        }
      }
    });

    it('gates every app on its deploy steps: an init container of its own image runs deploy-gate.js with its configuration', () => {
      const topology = workloadOf('Job', 'broker-topology');
      const brokerOf = (values: Record<string, string>) => {
        const url = new URL(values['AMQP_URL'] ?? '');
        return `${url.host}${url.pathname}`;
      };
      const topologyBroker = brokerOf(
        containerEnvironment(manifests, podSpecOf(topology).containers[0] as IContainer).values,
      );
      for (const app of apps) {
        const spec = podSpecOf(deploymentOf(app.name));
        const [main] = spec.containers;
        expect(
          spec.initContainers?.map((container) => container.name),
          app.name,
        ).toEqual(['deploy-gate']);
        const gate = spec.initContainers?.[0] as IContainer;
        expect(gate.image).toBe(main?.image);
        expect([...(gate.command ?? []), ...(gate.args ?? [])]).toEqual([
          'node',
          bundleOf(app.name, 'deploy-gate.ts'),
        ]);
        const environment = containerEnvironment(manifests, gate);
        expect(environment.unresolved).toEqual([]);
        // It checks the broker the broker-topology Job declares the topology on.
        expect(brokerOf(environment.values), app.name).toBe(topologyBroker);
        expect(() => loadConfig(z.object(brokerSettings), environment.values)).not.toThrow();
      }
      for (const app of migratingApps) {
        const gate = podSpecOf(deploymentOf(app.name)).initContainers?.[0] as IContainer;
        const job = podSpecOf(workloadOf('Job', migrateName(app)));
        const migrated = containerEnvironment(manifests, job.containers[0] as IContainer).values;
        const schema = z.object({ ...postgresSettings(app.name), ...brokerSettings });
        const checked = loadConfig(schema, containerEnvironment(manifests, gate).values);
        // It waits for the database the migrate Job migrates.
        expect(checked.DATABASE_URL, app.name).toBe(migrated['DATABASE_URL']);
      }
    });

    it('has the chat refuse HTTP long-polling, since its HPA may run several pods without sticky sessions', () => {
      const hpa = named(manifests, HorizontalPodAutoscaler.is, 'chat');
      expect(hpa.spec?.maxReplicas).toBeGreaterThan(1);
      const chat = podSpecOf(deploymentOf('chat'));
      const values = containerEnvironment(manifests, chat.containers[0] as IContainer).values;
      expect(values['SOCKET_LONG_POLLING']).toBe('false');
    });

    it('allows exactly the flows of the README’s diagram, the stores by port, and nothing else', () => {
      const policies = manifests.filter(NetworkPolicy.is);
      const namespaceLabels = new Map(
        manifests
          .filter(Namespace.is)
          .map((item) => [item.metadata?.name ?? '', item.metadata?.labels ?? {}]),
      );
      const unnamed = 'the namespace kubectl apply chooses';
      const labelsOf = (namespace: string) => ({
        ...namespaceLabels.get(namespace),
        'kubernetes.io/metadata.name': namespace,
      });
      const pods: Endpoint[] = workloads.map((workload) => {
        const namespace = workload.metadata?.namespace ?? unnamed;
        const spec = podSpecOf(workload);
        return {
          name: podLabels(workload)[NAME] ?? String(workload.metadata?.name),
          namespace,
          labels: podLabels(workload),
          namespaceLabels: labelsOf(namespace),
          ports: spec.containers.flatMap((container) => container.ports ?? []),
          governed: true,
        };
      });
      const standIn = (name: string): Endpoint => ({
        name,
        namespace: name,
        labels: {},
        namespaceLabels: labelsOf(name),
        ports: [],
        governed: false,
      });
      // A Prometheus, and anything else: a client on the internet, a managed database.
      const [monitoring, outside] = [standIn('monitoring'), standIn('outside')];
      const ownPods = pods.filter((pod) => appPods.includes(pod.name));
      const flows = allowedFlows(
        policies,
        [...ownPods, monitoring, outside],
        [...pods, outside],
        (destination) =>
          destination === outside
            ? outsideProbes
            : destination.ports.map((port) => ({ port: port.containerPort, protocol: 'TCP' })),
        unnamed,
      );

      const storesRendered = new Set(
        pods.map((pod) => pod.name).filter((name) => name in storePorts),
      );
      const expected = new Set<string>([
        'gateway → chat:3003',
        // The public entry, from the Gateway implementation wherever it runs.
        'outside → gateway:3000',
        'monitoring → gateway:3000',
        ...apps.map((app) => `monitoring → ${app.name}:${metricsPorts[app.name]}`),
      ]);
      for (const pod of appPods) {
        expected.add(`${pod} → outside:${describeProbe({ port: 53, protocol: 'TCP' })}`);
        expected.add(`${pod} → outside:${describeProbe({ port: 53, protocol: 'UDP' })}`);
        for (const store of storesOf[pod] ?? []) {
          expected.add(`${pod} → outside:${storePorts[store]}`);
          if (storesRendered.has(store)) expected.add(`${pod} → ${store}:${storePorts[store]}`);
        }
      }
      expect([...flows].sort()).toEqual([...expected].sort());
    });
  },
);
