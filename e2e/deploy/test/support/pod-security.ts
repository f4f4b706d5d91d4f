import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';

/** Volume types the restricted Pod Security Standard allows. */
const restrictedVolumeTypes = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

/** Every container of a pod, init containers included: the standard holds them all to it. */
export function podContainers(spec: IPodSpec): IContainer[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/**
 * What the "restricted" Pod Security Standard (the level both overlay namespaces enforce) would
 * refuse in a pod, as `<container>: <rule>` lines: empty when the API server would admit it. The
 * user id must be set, not left to the image, since the admission cannot read an image's USER.
 */
export function restrictedProblems(spec: IPodSpec): string[] {
  const problems: string[] = [];
  const pod = spec.securityContext;
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push('pod: host namespaces');
  for (const volume of spec.volumes ?? []) {
    const types = Object.keys(volume).filter((key) => key !== 'name');
    if (types.some((type) => !restrictedVolumeTypes.has(type)))
      problems.push(`volume ${volume.name}: ${types.join(', ')}`);
  }
  for (const container of podContainers(spec)) {
    const context = container.securityContext;
    const where = container.name;
    if ((context?.runAsNonRoot ?? pod?.runAsNonRoot) !== true)
      problems.push(`${where}: runAsNonRoot`);
    const user = context?.runAsUser ?? pod?.runAsUser;
    if (user === undefined || user === 0) problems.push(`${where}: runAsUser`);
    if (context?.privileged) problems.push(`${where}: privileged`);
    if (context?.allowPrivilegeEscalation !== false)
      problems.push(`${where}: allowPrivilegeEscalation`);
    if (!context?.capabilities?.drop?.includes('ALL')) problems.push(`${where}: drop ALL`);
    if ((context?.capabilities?.add ?? []).some((capability) => capability !== 'NET_BIND_SERVICE'))
      problems.push(`${where}: capabilities added`);
    const seccomp = (context?.seccompProfile ?? pod?.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
      problems.push(`${where}: seccompProfile`);
    if (container.ports?.some((port) => port.hostPort)) problems.push(`${where}: hostPort`);
  }
  return problems;
}
