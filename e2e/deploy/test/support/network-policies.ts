import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { IContainerPort } from 'kubernetes-models/v1/ContainerPort';

type LabelSelector = NonNullable<INetworkPolicy['spec']>['podSelector'];

/**
 * What a NetworkPolicy decides about: a pod (from a rendered workload's template), or a stand-in
 * for what the manifests do not contain (a Prometheus in namespace `monitoring`, a managed database
 * outside the cluster).
 */
export interface Endpoint {
  /** How flows name it: the pods' `app.kubernetes.io/name`, or the stand-in's name. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Labels of its namespace, `kubernetes.io/metadata.name` included. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** The ports it listens on, by number and name: a pod's container ports. */
  readonly ports: readonly IContainerPort[];
  /** Whether policies in its namespace apply to it: the manifests' own pods. */
  readonly governed: boolean;
}

/** A connection to try, as a NetworkPolicy port describes one. */
export interface Probe {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
}

export function matchesLabelSelector(
  labels: Readonly<Record<string, string>>,
  selector: LabelSelector,
): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(
    ([key, value]) => labels[key] === value,
  );
  const byExpression = (selector.matchExpressions ?? []).every(({ key, operator, values }) => {
    switch (operator) {
      case 'In':
        return values?.includes(labels[key] ?? '') ?? false;
      case 'NotIn':
        return !(values ?? []).includes(labels[key] ?? '');
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        throw new Error(`unknown selector operator ${operator}`);
    }
  });
  return byLabel && byExpression;
}

function policyNamespace(policy: INetworkPolicy, fallback: string): string {
  return policy.metadata?.namespace ?? fallback;
}

/** Whether `peer` of a policy in `namespace` names `endpoint` (ipBlocks: anything outside the cluster's pods). */
function peerMatches(peer: INetworkPolicyPeer, namespace: string, endpoint: Endpoint): boolean {
  if (peer.ipBlock) return !endpoint.governed;
  const inNamespace = peer.namespaceSelector
    ? matchesLabelSelector(endpoint.namespaceLabels, peer.namespaceSelector)
    : endpoint.namespace === namespace;
  return (
    inNamespace && (!peer.podSelector || matchesLabelSelector(endpoint.labels, peer.podSelector))
  );
}

/** Whether a rule's ports let `probe` reach `target` (named ports resolve against its container ports). */
function portMatches(
  ports: INetworkPolicyPort[] | undefined,
  probe: Probe,
  target: Endpoint,
): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((rule) => {
    if ((rule.protocol ?? 'TCP') !== probe.protocol) return false;
    if (rule.port === undefined) return true;
    if (typeof rule.port === 'string') {
      return target.ports.some(
        (port) => port.name === rule.port && port.containerPort === probe.port,
      );
    }
    return probe.port >= rule.port && probe.port <= (rule.endPort ?? rule.port);
  });
}

type Direction = 'Ingress' | 'Egress';

function policyTypes(policy: INetworkPolicy): Direction[] {
  const declared = policy.spec?.policyTypes as Direction[] | undefined;
  if (declared) return declared;
  return policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

/**
 * Whether `subject` may send to (Egress) or receive from (Ingress) `peer` on `probe`: yes when no
 * policy of its namespace selects it for that direction, else when one of their rules allows it.
 */
function allows(
  policies: readonly INetworkPolicy[],
  direction: Direction,
  subject: Endpoint,
  peer: Endpoint,
  probe: Probe,
  defaultNamespace: string,
): boolean {
  if (!subject.governed) return true;
  const selecting = policies.filter(
    (policy) =>
      policyNamespace(policy, defaultNamespace) === subject.namespace &&
      policyTypes(policy).includes(direction) &&
      matchesLabelSelector(subject.labels, policy.spec?.podSelector ?? {}),
  );
  if (selecting.length === 0) return true;
  // Egress ports are the destination's; ingress ports the subject's own.
  const portOwner = direction === 'Egress' ? peer : subject;
  return selecting.some((policy) => {
    const namespace = policyNamespace(policy, defaultNamespace);
    const rules =
      direction === 'Egress'
        ? (policy.spec?.egress ?? []).map((rule) => ({ peers: rule.to, ports: rule.ports }))
        : (policy.spec?.ingress ?? []).map((rule) => ({ peers: rule.from, ports: rule.ports }));
    return rules.some(
      ({ peers, ports }) =>
        (!peers ||
          peers.length === 0 ||
          peers.some((item) => peerMatches(item, namespace, peer))) &&
        portMatches(ports, probe, portOwner),
    );
  });
}

export const describeProbe = (probe: Probe) =>
  probe.protocol === 'TCP' ? String(probe.port) : `${probe.port}/${probe.protocol}`;

/**
 * Every flow the policies allow, as `<from> → <to>:<port>`: from each source to each destination
 * on each of `probesOf(destination)`, when the source's egress and the destination's ingress both
 * allow it. A pod does not count as reaching itself (no policy can stop that), nor a stand-in
 * another (no policy here decides).
 */
export function allowedFlows(
  policies: readonly INetworkPolicy[],
  sources: readonly Endpoint[],
  destinations: readonly Endpoint[],
  probesOf: (destination: Endpoint) => readonly Probe[],
  defaultNamespace: string,
): Set<string> {
  const flows = new Set<string>();
  for (const from of sources) {
    for (const to of destinations) {
      if (from === to || (!from.governed && !to.governed)) continue;
      for (const probe of probesOf(to)) {
        if (
          allows(policies, 'Egress', from, to, probe, defaultNamespace) &&
          allows(policies, 'Ingress', to, from, probe, defaultNamespace)
        ) {
          flows.add(`${from.name} → ${to.name}:${describeProbe(probe)}`);
        }
      }
    }
  }
  return flows;
}
