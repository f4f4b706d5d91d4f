import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appNamed,
  apps,
  builtFile,
  configProblems,
  containerRequiredVariables,
  healthPaths,
  knownVariables,
  listeningPort,
  repoRoot,
} from './support/apps.js';
import {
  buildOf,
  commandOf,
  dependencies,
  healthcheckCommand,
  isAllInterfaces,
  loadCompose,
  memoryBytes,
  publishedPorts,
  service,
  serviceEnvironment,
  servicesReferenced,
} from './support/compose.js';
import { environmentOf, parseDockerfile } from './support/dockerfile.js';

const compose = loadCompose();
const serviceNames = Object.keys(compose.services);

/** Ports a browser or tool on another machine may reach: the API, and RabbitMQ's UI for learners. */
const openToTheNetwork: Record<string, number[]> = { gateway: [3000], rabbitmq: [15672] };

describe('docker-compose.yml', () => {
  describe.each(apps)('the $name service', (app) => {
    const entry = service(compose, app.name);
    const imageEnvironment = environmentOf(parseDockerfile(app.dockerfile).final);
    const environment = serviceEnvironment(entry);
    const effective = { ...imageEnvironment, ...environment };
    const port = listeningPort(app, effective);

    it('is built from its Dockerfile with the repository root as context', () => {
      expect(buildOf(entry)).toEqual({ context: '.', dockerfile: app.dockerfile });
      expect(existsSync(resolve(repoRoot, app.dockerfile))).toBe(true);
    });

    it('sets every variable the app needs inside a container', () => {
      const missing = containerRequiredVariables(app).filter((name) => !(name in environment));
      expect(missing, `${app.name} needs these in its compose environment`).toEqual([]);
    });

    it('sets only variables the app reads', () => {
      const unknown = Object.keys(environment).filter(
        (name) => !knownVariables(app).includes(name),
      );
      expect(unknown, `${app.name} does not read these (a typo?)`).toEqual([]);
    });

    it('runs in production mode with a configuration the app accepts', () => {
      expect(effective['NODE_ENV']).toBe('production');
      expect(configProblems(app, effective)).toEqual([]);
    });

    // Readiness, not liveness: "healthy" gates the services that depend on this one.
    it('has a health check that asks the app whether it is ready, on the port it listens on', () => {
      const command = healthcheckCommand(entry) ?? '';
      expect(entry.healthcheck?.disable).not.toBe(true);
      expect(command).toContain(`http://127.0.0.1:${port}${healthPaths.ready}`);
    });

    it('waits for every store and broker it connects to to be healthy', () => {
      const referenced = servicesReferenced(environment, serviceNames);
      expect(referenced.size, `${app.name} connects to no compose service`).toBeGreaterThan(0);
      const conditions = dependencies(entry);
      for (const [variable, store] of referenced) {
        expect(conditions[store], `${variable} points at ${store}`).toBe('service_healthy');
        expect(service(compose, store).healthcheck?.test, `${store} health check`).toBeDefined();
      }
    });

    it('restarts after a crash and has a memory limit', () => {
      expect(['unless-stopped', 'always', 'on-failure']).toContain(entry.restart);
      expect(entry.deploy?.resources?.limits?.memory).toBeDefined();
    });
  });

  it('publishes the gateway on port 3000, where it listens', () => {
    const environment = serviceEnvironment(service(compose, 'gateway'));
    expect(listeningPort(appNamed('gateway'), environment)).toBe(3000);
    expect(publishedPorts(service(compose, 'gateway'))).toContainEqual({
      hostIp: undefined,
      published: '3000',
      target: 3000,
    });
  });

  it('opens to the network only the gateway and the RabbitMQ management UI', () => {
    const open = Object.entries(compose.services).flatMap(([name, entry]) =>
      publishedPorts(entry)
        .filter(isAllInterfaces)
        .map((port) => `${name}:${port.target}`),
    );
    const allowed = Object.entries(openToTheNetwork).flatMap(([name, ports]) =>
      ports.map((port) => `${name}:${port}`),
    );
    expect(open.filter((port) => !allowed.includes(port))).toEqual([]);
    expect(open).toContain('gateway:3000');
  });

  describe('auth', () => {
    const auth = service(compose, 'auth');
    const migrate = service(compose, 'auth-migrate');

    it('has a JWT_PRIVATE_KEY, which production mode requires', () => {
      const environment = serviceEnvironment(auth);
      expect(environment['NODE_ENV']).toBe('production');
      expect(environment['JWT_PRIVATE_KEY']).toMatch(/-----BEGIN PRIVATE KEY-----/);
    });

    it('starts only after auth-migrate applied the migrations', () => {
      expect(dependencies(auth)['auth-migrate']).toBe('service_completed_successfully');
    });

    it('migrates with the auth image, the built migrate.js and the same database', () => {
      expect(buildOf(migrate)).toEqual(buildOf(auth));
      expect(migrate.image).toBe(auth.image);
      expect(commandOf(migrate)).toEqual(['node', builtFile('auth', 'migrate.ts')]);
      const environment = serviceEnvironment(migrate);
      expect(environment['DATABASE_URL']).toBe(serviceEnvironment(auth)['DATABASE_URL']);
      expect(configProblems(appNamed('auth'), environment)).toEqual([]);
      expect(dependencies(migrate)['postgres']).toBe('service_healthy');
      expect(migrate.restart ?? 'no').toBe('no');
    });

    it('is not published to the host', () => {
      expect(publishedPorts(auth)).toEqual([]);
    });
  });

  it('gives every service a memory limit, together small enough for a laptop', () => {
    const limits = Object.entries(compose.services).map(([name, entry]) => {
      const limit = entry.deploy?.resources?.limits?.memory;
      expect(limit, `${name} memory limit`).toBeDefined();
      return memoryBytes(limit ?? '0');
    });
    expect(limits.reduce((sum, bytes) => sum + bytes, 0)).toBeLessThanOrEqual(4 * 1024 ** 3);
  });
});
