import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { authConfigSchema, authMigrationConfigSchema } from '@capstone/auth-feature';
import { blogConfigSchema, blogMigrationConfigSchema } from '@capstone/blog-feature';
import { chatConfigSchema } from '@capstone/chat-feature';
import { ConfigError, loadConfig } from '@capstone/config';
import { gatewayConfigSchema } from '@capstone/gateway-feature';
import { z } from 'zod';

export const repoRoot = resolve(import.meta.dirname, '../../../..');

export type AppName = 'gateway' | 'auth' | 'blog' | 'chat';

/** What the deployment files must agree with, read from each app's code rather than restated. */
export interface AppUnderTest {
  readonly name: AppName;
  /** The app's environment schema, exactly as `main.ts` validates it. */
  readonly schema: z.ZodType;
  /** What its `migrate` one-shot validates, for an app that owns a PostgreSQL database. */
  readonly migrationSchema?: z.ZodType;
}

export const apps: readonly AppUnderTest[] = [
  { name: 'gateway', schema: gatewayConfigSchema },
  { name: 'auth', schema: authConfigSchema, migrationSchema: authMigrationConfigSchema },
  { name: 'blog', schema: blogConfigSchema, migrationSchema: blogMigrationConfigSchema },
  { name: 'chat', schema: chatConfigSchema },
];

/** The one Dockerfile every app's image is built from, with the app named by build arguments. */
export const dockerfilePath = 'Dockerfile';

export const healthPaths = { live: '/health/live', ready: '/health/ready' } as const;

/** The object schema inside an app's config schema, whatever refinements and transforms wrap it. */
export function configShape(schema: z.core.$ZodType): Record<string, z.core.$ZodType> {
  if (schema instanceof z.ZodObject) return schema.shape;
  if (schema instanceof z.ZodPipe) return configShape(schema.in);
  throw new Error(`cannot find the variables of a ${schema._zod.def.type} schema`);
}

function defaultOf(field: z.core.$ZodType): { required: boolean; value: unknown } {
  const result = z.safeParse(field, undefined);
  return result.success ? { required: false, value: result.data } : { required: true, value: null };
}

function isLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(value).hostname);
  } catch {
    return false;
  }
}

/**
 * Variables a container must set: those without a default (and not optional), and those whose
 * default is a loopback URL, which inside a container or pod points at the container itself.
 */
export function containerRequiredVariables(app: AppUnderTest): string[] {
  return Object.entries(configShape(app.schema))
    .filter(([, field]) => {
      const fallback = defaultOf(field);
      return fallback.required || isLoopbackUrl(fallback.value);
    })
    .map(([name]) => name)
    .sort();
}

/**
 * The standard `OTEL_*` variables the README documents: every app reads them through the
 * OpenTelemetry SDK (`@capstone/telemetry`) rather than its configuration schema.
 */
export const telemetryVariables = [
  'OTEL_SDK_DISABLED',
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
];

export function knownVariables(app: AppUnderTest): string[] {
  return [...Object.keys(configShape(app.schema)), ...telemetryVariables];
}

/** The port the app listens on when PORT is not set. */
export function defaultPort(app: AppUnderTest): number {
  const port = defaultOf(configShape(app.schema)['PORT'] ?? z.never()).value;
  if (typeof port !== 'number') throw new Error(`${app.name} has no default PORT`);
  return port;
}

/** The port the app listens on with this environment. */
export function listeningPort(app: AppUnderTest, environment: Record<string, string>): number {
  return environment['PORT'] === undefined ? defaultPort(app) : Number(environment['PORT']);
}

/** What the app says at start-up about this environment: an empty list when it would start. */
export function configProblems(
  app: AppUnderTest,
  environment: Record<string, string>,
  schema: z.ZodType = app.schema,
): string[] {
  try {
    loadConfig(schema, environment);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

/**
 * The configuration the app runs with in this environment, defaults applied, as its `main.ts`
 * loads it; throws with the app's own message if it would not start.
 */
export function loadedConfig(
  app: AppUnderTest,
  environment: Record<string, string>,
): Record<string, unknown> {
  return loadConfig(app.schema, environment) as Record<string, unknown>;
}

/** The variables that name an app's own database: PostgreSQL's and MongoDB's. */
export const databaseVariables = ['DATABASE_URL', 'MONGO_URL'] as const;

/**
 * The databases an environment points at, as `host/name` (`postgres:5432/auth`,
 * `mongo:27017/chat`): the same text means the same database on the same server.
 */
export function databasesOf(environment: Record<string, string>): string[] {
  return databaseVariables
    .map((variable) => environment[variable])
    .filter((url): url is string => url !== undefined)
    .map((url) => {
      const parsed = new URL(url);
      return `${parsed.host}${parsed.pathname}`;
    });
}

interface BuildOptions {
  readonly main: string;
  readonly additionalEntryPoints?: readonly string[];
  readonly outputPath: string;
}

function buildOptions(app: AppName): BuildOptions {
  const project = JSON.parse(
    readFileSync(resolve(repoRoot, 'apps', app, 'project.json'), 'utf8'),
  ) as { targets: { build: { options: BuildOptions } } };
  return project.targets.build.options;
}

/** The directory `nx run <app>:build` writes, relative to the repository root. */
export function buildOutputDir(app: AppName): string {
  return buildOptions(app).outputPath;
}

/**
 * The bundle `nx run <app>:build` makes of one of the app's entry points (`main.ts`,
 * `migrate.ts`), relative to the build output: each entry point becomes one file at its top.
 */
export function bundleOf(app: AppName, entryPoint: string): string {
  const { main, additionalEntryPoints = [] } = buildOptions(app);
  const source = [main, ...additionalEntryPoints].find((file) => basename(file) === entryPoint);
  if (!source) throw new Error(`apps/${app} builds no entry point ${entryPoint}`);
  return basename(source).replace(/\.ts$/, '.js');
}

/**
 * Whether the app has its own migrate step (`apps/<app>/src/migrate.ts`), which a deployment runs
 * once before the app's processes start: the `<app>-migrate` compose service and Kubernetes Job.
 */
export function hasMigrations(app: AppUnderTest): boolean {
  return existsSync(resolve(repoRoot, 'apps', app.name, 'src', 'migrate.ts'));
}

/** The apps that run a migrate step before they start. */
export const migratingApps: readonly AppUnderTest[] = apps.filter(hasMigrations);

/** The name of the one-shot compose service and the Kubernetes Job that migrate the app. */
export const migrateName = (app: AppUnderTest) => `${app.name}-migrate`;

/**
 * The apps behind the gateway: it sends them requests over RabbitMQ (and forwards Socket.IO to the
 * chat); only the gateway is public.
 */
export const backendApps: readonly AppUnderTest[] = apps.filter((app) => app.name !== 'gateway');

export function appNamed(name: AppName): AppUnderTest {
  const found = apps.find((app) => app.name === name);
  if (!found) throw new Error(`no app ${name}`);
  return found;
}
