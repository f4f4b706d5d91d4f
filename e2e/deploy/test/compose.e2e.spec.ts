import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { brokerAdminConfigSchema } from '@capstone/config';
import { dashboardPanels } from './support/dashboard.js';
import {
  appNamed,
  apps,
  type AppName,
  backendApps,
  bundleOf,
  configProblems,
  containerRequiredVariables,
  databasesOf,
  dockerfilePath,
  healthPaths,
  knownVariables,
  listeningPort,
  loadedConfig,
  migrateName,
  migratingApps,
  repoRoot,
} from './support/apps.js';
import {
  buildOf,
  commandOf,
  composePath,
  databasesCreatedAtInit,
  dependencies,
  namedVolumes,
  healthcheckCommand,
  isAllInterfaces,
  loadCompose,
  memoryBytes,
  publishedPorts,
  readEnvFile,
  service,
  serviceEnvironment,
  servicesReferenced,
} from './support/compose.js';
import { imageCommand, imageEnvironment } from './support/images.js';

const compose = loadCompose();
const serviceNames = Object.keys(compose.services);

/** An app's compose environment over its image's ENV, as the container gets it. */
function containerEnvironment(name: AppName): Record<string, string> {
  return { ...imageEnvironment(name), ...serviceEnvironment(service(compose, name)) };
}

/** Ports a browser or tool on another machine may reach: the API. */
const openToTheNetwork: Record<string, number[]> = { gateway: [3000] };

describe('docker-compose.yml', () => {
  describe.each(apps)('the $name service', (app) => {
    const entry = service(compose, app.name);
    const environment = serviceEnvironment(entry);
    const effective = { ...imageEnvironment(app.name), ...environment };
    const port = listeningPort(app, effective);

    it('is built from the one Dockerfile, with the repository root as context and APP naming it', () => {
      const build = buildOf(entry);
      expect(build).toMatchObject({ context: '.', dockerfile: dockerfilePath });
      expect(build.args['APP']).toBe(app.name);
      expect(existsSync(resolve(repoRoot, build.dockerfile))).toBe(true);
    });

    it('runs the image’s command, so that the container starts what the image was made for', () => {
      expect(commandOf(entry) ?? imageCommand(app.name)).toEqual(imageCommand(app.name));
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

  const stores = ['postgres', 'mongo', 'redis', 'rabbitmq'];

  it('gives the stores no port on the host, so that servers already running there are no obstacle', () => {
    for (const store of stores) {
      const onTheHost = publishedPorts(service(compose, store)).filter(
        (port) => !(store === 'rabbitmq' && port.target === 15672),
      );
      expect(onTheHost, `${store} publishes`).toEqual([]);
    }
  });

  it('publishes the RabbitMQ management UI on 127.0.0.1 only, away from a local RabbitMQ’s 15672', () => {
    expect(publishedPorts(service(compose, 'rabbitmq'))).toEqual([
      { hostIp: '127.0.0.1', published: '15673', target: 15672 },
    ]);
  });

  it('has docker-compose.host-stores.yml publish every store on 127.0.0.1 at the port the tests expect', () => {
    const override = loadCompose(resolve(repoRoot, 'docker-compose.host-stores.yml'));
    const standard: Record<string, number[]> = {
      postgres: [5432],
      mongo: [27017],
      redis: [6379],
      rabbitmq: [5672, 15672],
    };
    for (const store of stores) {
      const ports = publishedPorts(service(override, store));
      expect(
        ports.map((port) => port.target).sort((a, b) => a - b),
        store,
      ).toEqual(standard[store]);
      for (const port of ports) {
        expect(port).toEqual({
          hostIp: '127.0.0.1',
          published: String(port.target),
          target: port.target,
        });
      }
    }
  });

  it('checks PostgreSQL over TCP, which its first-start init server does not listen on', () => {
    const command = healthcheckCommand(service(compose, 'postgres')) ?? '';
    expect(command).toMatch(/\bpg_isready\b/);
    expect(command).toMatch(/-h 127\.0\.0\.1\b/);
  });

  describe.each(migratingApps)('the $name migrations', (app) => {
    const entry = service(compose, app.name);
    const migrate = service(compose, migrateName(app));

    it(`are applied by ${migrateName(app)} before ${app.name} starts`, () => {
      expect(dependencies(entry)[migrateName(app)]).toBe('service_completed_successfully');
    });

    it(`run with the ${app.name} image, the built migrate.js and the same database`, () => {
      expect(buildOf(migrate)).toEqual(buildOf(entry));
      expect(migrate.image).toBe(entry.image);
      expect(commandOf(migrate)).toEqual(['node', bundleOf(app.name, 'migrate.ts')]);
      const environment = serviceEnvironment(migrate);
      expect(environment['DATABASE_URL']).toBe(serviceEnvironment(entry)['DATABASE_URL']);
      expect(app.migrationSchema, 'the schema its migrate.js reads').toBeDefined();
      expect(configProblems(app, environment, app.migrationSchema)).toEqual([]);
      expect(dependencies(migrate)['postgres']).toBe('service_healthy');
      expect(migrate.restart ?? 'no').toBe('no');
    });
  });

  describe('the broker topology', () => {
    const topology = service(compose, 'broker-topology');
    const gateway = service(compose, 'gateway');

    it.each(apps)('is declared by the broker-topology one-shot before $name starts', (app) => {
      expect(dependencies(service(compose, app.name))['broker-topology']).toBe(
        'service_completed_successfully',
      );
    });

    it('is declared with the gateway image’s built broker-topology.js, on the apps’ RabbitMQ once it is healthy, as a one-shot', () => {
      expect(buildOf(topology)).toEqual(buildOf(gateway));
      expect(topology.image).toBe(gateway.image);
      expect(commandOf(topology)).toEqual(['node', bundleOf('gateway', 'broker-topology.ts')]);
      const environment = serviceEnvironment(topology);
      expect(configProblems(appNamed('gateway'), environment, brokerAdminConfigSchema)).toEqual([]);
      const broker = new URL(environment['AMQP_URL'] ?? '');
      expect(`${broker.host}${broker.pathname}`).toBe('rabbitmq:5672');
      expect(dependencies(topology)['rabbitmq']).toBe('service_healthy');
      expect(topology.healthcheck?.disable).toBe(true);
      expect(topology.restart ?? 'no').toBe('no');
    });

    it('ships the dead-letter replay beside it, in the same image', () => {
      expect(bundleOf('gateway', 'dlq-replay.ts')).toBe('dlq-replay.js');
      expect(readFileSync(composePath, 'utf8')).toContain(
        'docker compose run --rm broker-topology node dlq-replay.js blog.events',
      );
    });
  });

  describe.each(backendApps)('the $name service behind the gateway', (app) => {
    const entry = service(compose, app.name);

    it('is not published to the host', () => {
      expect(publishedPorts(entry)).toEqual([]);
    });

    it('is healthy before the gateway starts, so that its first request finds a consumer', () => {
      expect(dependencies(service(compose, 'gateway'))[app.name]).toBe('service_healthy');
    });
  });

  it('has auth sign tokens with a key made at the first start, kept in a volume and never in git', () => {
    const auth = service(compose, 'auth');
    const environment = serviceEnvironment(auth);
    expect(environment['NODE_ENV']).toBe('production');
    expect(environment['JWT_PRIVATE_KEY']).toBeUndefined();
    const keyFile = environment['JWT_PRIVATE_KEY_FILE'] ?? '';
    const [target = '', volume] =
      [...namedVolumes(auth)].find(([path]) => keyFile.startsWith(`${path}/`)) ?? [];
    expect(volume, 'the key file is on a named volume').toBeDefined();

    // The one-shot writes the key to the same volume, at the same path, before auth starts.
    const keys = service(compose, 'auth-keys');
    expect(dependencies(auth)['auth-keys']).toBe('service_completed_successfully');
    expect(commandOf(keys)).toEqual(['node', 'keygen.js', keyFile]);
    expect(namedVolumes(keys).get(target)).toBe(volume);
    expect(auth.env_file).toBeUndefined();
  });

  it('gives each app with a database its own, which postgres creates on its first start', () => {
    const databases = apps
      .map((app) => serviceEnvironment(service(compose, app.name))['DATABASE_URL'])
      .filter((url): url is string => url !== undefined)
      .map((url) => new URL(url).pathname.replace(/^\//, ''));
    expect(databases.length).toBeGreaterThanOrEqual(2);
    expect(new Set(databases).size, `one database each: ${databases.join(', ')}`).toBe(
      databases.length,
    );
    expect(databasesCreatedAtInit(service(compose, 'postgres'))).toEqual(
      expect.arrayContaining(databases),
    );
  });

  it('gives every app with a database, PostgreSQL or MongoDB, one of its own, by name', () => {
    const databases = apps.flatMap((app) =>
      databasesOf(serviceEnvironment(service(compose, app.name))),
    );
    expect(databases).toContain('mongo:27017/chat');
    for (const database of databases) expect(database, 'names a database').toMatch(/\/\w+$/);
    expect(new Set(databases).size, `one database each: ${databases.join(', ')}`).toBe(
      databases.length,
    );
  });

  it('runs MongoDB with a health check the mongo image can run (mongosh; images from 6 on have no mongo shell)', () => {
    const mongo = service(compose, 'mongo');
    const major = Number(/^mongo:(\d+)/.exec(mongo.image ?? '')?.[1]);
    expect(major).toBeGreaterThanOrEqual(6);
    const command = healthcheckCommand(mongo) ?? '';
    expect(command).toMatch(/^CMD(-SHELL)? mongosh\b/);
    expect(command).toContain('ping');
  });

  it('forwards Socket.IO from the gateway to the chat service, on the port the chat listens on', () => {
    const chatUrl = new URL(
      String(loadedConfig(appNamed('gateway'), containerEnvironment('gateway'))['CHAT_URL']),
    );
    expect(chatUrl.hostname).toBe('chat');
    expect(Number(chatUrl.port || 80)).toBe(
      listeningPort(appNamed('chat'), containerEnvironment('chat')),
    );
  });

  it('has the chat accept the tokens the gateway accepts: the same issuer and audience', () => {
    const claims = (name: AppName) => {
      const config = loadedConfig(appNamed(name), containerEnvironment(name));
      return { issuer: config['JWT_ISSUER'], audience: config['JWT_AUDIENCE'] };
    };
    expect(claims('chat')).toEqual(claims('gateway'));
  });

  it('keeps the gateway’s and the chat’s keys apart in the Redis they share', () => {
    const redis = (name: AppName) => {
      const config = loadedConfig(appNamed(name), containerEnvironment(name));
      return { url: String(config['REDIS_URL']), prefix: String(config['REDIS_KEY_PREFIX']) };
    };
    const [gateway, chat] = [redis('gateway'), redis('chat')];
    expect(chat.url).toBe(gateway.url);
    expect(chat.prefix.startsWith(gateway.prefix), 'the chat prefix is inside the gateway’s').toBe(
      false,
    );
    expect(gateway.prefix.startsWith(chat.prefix), 'the gateway prefix is inside the chat’s').toBe(
      false,
    );
  });

  it('connects every app to the same RabbitMQ virtual host, where they find each other', () => {
    const brokers = new Set(
      apps.map((app) => {
        const url = new URL(serviceEnvironment(service(compose, app.name))['AMQP_URL'] ?? '');
        return `${url.host}${url.pathname}`;
      }),
    );
    expect([...brokers]).toEqual(['rabbitmq:5672']);
  });

  it('gives every service a memory limit, together small enough for a laptop, as the header says', () => {
    const total = (names: string[]) =>
      names.reduce((sum, name) => {
        const limit = service(compose, name).deploy?.resources?.limits?.memory;
        expect(limit, `${name} memory limit`).toBeDefined();
        return sum + memoryBytes(limit ?? '0');
      }, 0);
    const inProfile = (name: string) => (service(compose, name).profiles ?? []).length > 0;
    const stack = total(serviceNames.filter((name) => !inProfile(name)));
    const observability = total(observabilityServices);
    expect(stack).toBeLessThanOrEqual(4 * 1024 ** 3);
    // The header comment tells a learner what the stack needs; it must say the current totals.
    const text = readFileSync(composePath, 'utf8');
    const header = text.slice(0, text.search(/^[^#\n]/m));
    expect(header).toContain(`${Math.round(stack / 1024 ** 2)} MB`);
    expect(header).toContain(`${Math.round(observability / 1024 ** 2)} MB more`);
  });
});

const observabilityServices = ['jaeger', 'prometheus', 'grafana'];
const observabilityDir = resolve(repoRoot, 'infra/observability');

/** A file of the profile's configuration, parsed as YAML. */
const yamlFile = (path: string): unknown =>
  parse(readFileSync(resolve(observabilityDir, path), 'utf8'));

/** The port of a collector endpoint such as `0.0.0.0:4318`. */
const portOf = (endpoint: string) => endpoint.slice(endpoint.lastIndexOf(':') + 1);

/** The one command of the README and the compose header runs the profile with this file. */
const observabilityEnvFile = 'infra/observability/compose.env';

/** Jaeger v2's configuration: an OpenTelemetry Collector's, with Jaeger's storage and query. */
const endpoint = z.looseObject({ endpoint: z.string() });
const jaegerConfig = z
  .looseObject({
    receivers: z.looseObject({
      otlp: z.looseObject({ protocols: z.looseObject({ grpc: endpoint, http: endpoint }) }),
    }),
    processors: z.record(z.string(), z.unknown()).nullish(),
    exporters: z.looseObject({
      jaeger_storage_exporter: z.looseObject({ trace_storage: z.string() }),
    }),
    extensions: z.looseObject({
      jaeger_storage: z.looseObject({
        backends: z.record(
          z.string(),
          z.looseObject({
            memory: z.looseObject({ max_traces: z.number().int() }).optional(),
          }),
        ),
      }),
      jaeger_query: z.looseObject({
        storage: z.looseObject({ traces: z.string() }),
        http: endpoint,
      }),
    }),
    service: z.looseObject({
      extensions: z.array(z.string()),
      pipelines: z.looseObject({
        traces: z.looseObject({
          receivers: z.array(z.string()),
          processors: z.array(z.string()).optional(),
          exporters: z.array(z.string()),
        }),
      }),
    }),
  })
  .parse(yamlFile('jaeger.yml'));

const prometheusConfig = z
  .looseObject({
    scrape_configs: z.array(
      z.looseObject({
        job_name: z.string(),
        metrics_path: z.string().optional(),
        static_configs: z.array(z.looseObject({ targets: z.array(z.string()) })),
      }),
    ),
  })
  .parse(yamlFile('prometheus.yml'));

describe('the observability profile of docker-compose.yml', () => {
  it('starts Jaeger, Prometheus and Grafana only when asked for, and no app waits for them', () => {
    for (const name of observabilityServices)
      expect(service(compose, name).profiles, name).toEqual(['observability']);
    for (const app of apps)
      expect(Object.keys(dependencies(service(compose, app.name)))).not.toEqual(
        expect.arrayContaining(observabilityServices),
      );
  });

  it('publishes each UI on 127.0.0.1 only, away from the ports a local install would take', () => {
    const published = Object.fromEntries(
      observabilityServices.map((name) => [name, publishedPorts(service(compose, name))]),
    );
    expect(published).toEqual({
      jaeger: [{ hostIp: '127.0.0.1', published: '16686', target: 16686 }],
      prometheus: [{ hostIp: '127.0.0.1', published: '9091', target: 9090 }],
      grafana: [{ hostIp: '127.0.0.1', published: '3300', target: 3000 }],
    });
  });

  it('has every app send its traces only where OTEL_EXPORTER_OTLP_ENDPOINT says, by default nowhere', () => {
    for (const app of apps)
      expect(serviceEnvironment(service(compose, app.name))['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe(
        '',
      );
  });

  it("runs with one command, whose env file turns on the profile and points the apps at Jaeger's OTLP/HTTP receiver", () => {
    const command = `docker compose --env-file ${observabilityEnvFile} up`;
    expect(readFileSync(composePath, 'utf8')).toContain(command);
    expect(readFileSync(resolve(repoRoot, 'README.md'), 'utf8')).toContain(command);
    const variables = readEnvFile(observabilityEnvFile);
    expect(variables['COMPOSE_PROFILES']).toBe('observability');
    const endpoint = new URL(variables['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? '');
    expect(endpoint.protocol).toBe('http:');
    expect(endpoint.hostname).toBe('jaeger');
    expect(endpoint.port).toBe(portOf(jaegerConfig.receivers.otlp.protocols.http.endpoint));
    // Every app takes its endpoint from that variable, which Compose reads from the file.
    const raw = z
      .looseObject({
        services: z.record(
          z.string(),
          z.looseObject({ environment: z.record(z.string(), z.unknown()).optional() }),
        ),
      })
      .parse(parse(readFileSync(composePath, 'utf8'), { merge: true }));
    for (const app of apps)
      expect(raw.services[app.name]?.environment?.['OTEL_EXPORTER_OTLP_ENDPOINT'], app.name).toBe(
        '${OTEL_EXPORTER_OTLP_ENDPOINT:-}',
      );
  });

  it('configures Jaeger from a mounted file, not from flags', () => {
    const jaeger = service(compose, 'jaeger');
    const command = commandOf(jaeger) ?? [];
    expect(command).toContain('--config');
    const configPath = command[command.indexOf('--config') + 1];
    expect(command.filter((argument) => argument.startsWith('--set'))).toEqual([]);
    expect(jaeger.volumes).toEqual([`./infra/observability/jaeger.yml:${String(configPath)}:ro`]);
  });

  it('has Jaeger receive OTLP over gRPC (4317) and HTTP (4318) from other containers', () => {
    const { grpc, http } = jaegerConfig.receivers.otlp.protocols;
    expect([grpc.endpoint, http.endpoint]).toEqual(['0.0.0.0:4317', '0.0.0.0:4318']);
    expect(jaegerConfig.service.pipelines.traces.receivers).toContain('otlp');
  });

  it('has Jaeger write the traces it receives to the store its UI reads, on the published port', () => {
    const { traces } = jaegerConfig.service.pipelines;
    // Every component the pipeline names is configured, as the collector requires.
    for (const name of traces.receivers) expect(jaegerConfig.receivers, name).toHaveProperty(name);
    for (const name of traces.processors ?? [])
      expect(jaegerConfig.processors ?? {}, name).toHaveProperty(name);
    for (const name of traces.exporters) expect(jaegerConfig.exporters, name).toHaveProperty(name);
    for (const name of jaegerConfig.service.extensions)
      expect(jaegerConfig.extensions, name).toHaveProperty(name);

    expect(traces.exporters).toEqual(['jaeger_storage_exporter']);
    const { jaeger_storage: storage, jaeger_query: query } = jaegerConfig.extensions;
    expect(jaegerConfig.service.extensions).toEqual(
      expect.arrayContaining(['jaeger_storage', 'jaeger_query']),
    );
    const written = jaegerConfig.exporters.jaeger_storage_exporter.trace_storage;
    expect(query.storage.traces, 'the UI reads the store the exporter writes').toBe(written);
    expect(storage.backends[written]?.memory?.max_traces).toBeGreaterThan(0);
    expect(portOf(query.http.endpoint)).toBe(
      String(publishedPorts(service(compose, 'jaeger'))[0]?.target),
    );
  });

  it('has a Prometheus configuration that promtool accepts', () => {
    const check = spawnSync(
      'promtool',
      ['check', 'config', resolve(observabilityDir, 'prometheus.yml')],
      {
        encoding: 'utf8',
      },
    );
    expect(check.error, 'promtool (Debian: prometheus) must be installed').toBeUndefined();
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  });

  it('has Prometheus scrape every app on the internal port that serves /metrics, and RabbitMQ', () => {
    const targets = Object.fromEntries(
      prometheusConfig.scrape_configs.map((job) => [
        job.job_name,
        job.static_configs.flatMap((config) => config.targets),
      ]),
    );
    for (const app of apps) {
      const environment = containerEnvironment(app.name);
      const port =
        app.name === 'gateway'
          ? loadedConfig(app, environment)['METRICS_PORT']
          : listeningPort(app, environment);
      expect(targets[app.name], app.name).toEqual([`${app.name}:${String(port)}`]);
    }
    expect(targets['rabbitmq']).toEqual(['rabbitmq:15692']);
  });

  it('mounts into Prometheus and Grafana only files and folders that exist', () => {
    for (const name of ['prometheus', 'grafana'])
      for (const volume of service(compose, name).volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
        expect(existsSync(resolve(repoRoot, source ?? '')), `${name}: ${String(source)}`).toBe(
          true,
        );
      }
  });

  it('provisions Grafana with the dashboard as its home page and every data source the dashboard uses', () => {
    const grafana = service(compose, 'grafana');
    const mounts = (grafana.volumes ?? []).map((volume) =>
      typeof volume === 'string' ? volume.split(':').slice(0, 2) : [volume.source, volume.target],
    );
    const dashboards = z
      .looseObject({
        providers: z.array(z.looseObject({ options: z.looseObject({ path: z.string() }) })),
      })
      .parse(yamlFile('grafana/provisioning/dashboards/dashboards.yml'));
    const folder = dashboards.providers[0]?.options.path ?? '';
    expect(mounts).toContainEqual(['./infra/observability/grafana/dashboards', folder]);
    expect(mounts).toContainEqual([
      './infra/observability/grafana/provisioning',
      '/etc/grafana/provisioning',
    ]);
    expect(serviceEnvironment(grafana)['GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH']).toBe(
      `${folder}/capstone.json`,
    );

    const sources = z
      .looseObject({ datasources: z.array(z.looseObject({ uid: z.string(), url: z.string() })) })
      .parse(yamlFile('grafana/provisioning/datasources/datasources.yml')).datasources;
    expect(sources.map((source) => source.url).sort()).toEqual([
      'http://jaeger:16686',
      'http://prometheus:9090',
    ]);
    const used = dashboardPanels().flatMap((panel) => [
      panel.datasource.uid,
      ...panel.targets.map((target) => target.datasource.uid),
    ]);
    expect(used.length).toBeGreaterThan(0);
    for (const uid of used) expect(sources.map((source) => source.uid)).toContain(uid);
  });

  it('has a dashboard in which every panel queries Prometheus and has a title', () => {
    const panels = dashboardPanels();
    expect(panels.length).toBeGreaterThanOrEqual(10);
    for (const panel of panels) {
      expect(panel.title).not.toBe('');
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
    }
  });
});
