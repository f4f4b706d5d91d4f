import { buildOutputDir, type AppName } from './apps.js';
import { buildOf, loadCompose, service } from './compose.js';
import { environmentOf, execForm, last, parseDockerfile, type Dockerfile } from './dockerfile.js';

const compose = loadCompose();

/** The image of an app as docker-compose.yml builds it: the Dockerfile with the app's build arguments. */
export function imageOf(app: AppName): Dockerfile {
  const build = buildOf(service(compose, app));
  return parseDockerfile(build.dockerfile, build.args);
}

/** The environment the image sets (its ENV lines). */
export function imageEnvironment(app: AppName): Record<string, string> {
  return environmentOf(imageOf(app).final);
}

/** What a container of the app runs: the image's CMD. */
export function imageCommand(app: AppName): string[] {
  return execForm(last(imageOf(app).final, 'CMD')?.args ?? '');
}

/**
 * The directory of the repository that a container's working directory stands for: the image
 * copies the app's build output into its WORKDIR, so a host process runs there.
 */
export function imageWorkingDirectory(app: AppName): string {
  return buildOutputDir(app);
}
