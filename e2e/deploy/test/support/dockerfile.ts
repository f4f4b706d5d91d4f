import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from './apps.js';

export interface Instruction {
  /** Upper case, e.g. `COPY`. */
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  readonly args: string;
}

export interface Stage {
  readonly name: string | undefined;
  /** The base image with build arguments replaced by their defaults. */
  readonly image: string;
  readonly platform: string | undefined;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  readonly stages: readonly Stage[];
  /** The stage that becomes the image. */
  readonly final: Stage;
}

/** Splits a Dockerfile into instructions: comments dropped, `\` continuations joined. */
function instructionsOf(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#') || (!trimmed && !pending)) continue;
    const continued = trimmed.endsWith('\\');
    pending += `${continued ? trimmed.slice(0, -1) : trimmed} `;
    if (continued) continue;
    const [keyword = '', ...rest] = pending.trim().split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' ') });
    pending = '';
  }
  return instructions;
}

function substitute(value: string, args: Record<string, string>): string {
  return value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) =>
    name in args ? (args[name] ?? '') : whole,
  );
}

/**
 * Reads a Dockerfile as `docker build --build-arg` would see it with `buildArgs`: every stage's
 * instructions, with the build arguments declared so far (`ARG NAME[=default]`) substituted.
 */
export function parseDockerfile(path: string, buildArgs: Record<string, string> = {}): Dockerfile {
  const instructions = instructionsOf(readFileSync(resolve(repoRoot, path), 'utf8'));
  const globalArgs: Record<string, string> = {};
  const stages: (Stage & { instructions: Instruction[]; args: Record<string, string> })[] = [];
  for (const instruction of instructions) {
    const stage = stages.at(-1);
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/);
      const platform = words.find((word) => word.startsWith('--platform='))?.slice(11);
      const [image = '', as, name] = words.filter((word) => !word.startsWith('--'));
      stages.push({
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        image: substitute(image, globalArgs),
        platform,
        instructions: [],
        args: {},
      });
    } else if (instruction.keyword === 'ARG') {
      const [name = '', fallback] = instruction.args.split('=');
      // A stage sees a global argument only when it declares it again.
      const value = buildArgs[name] ?? fallback ?? globalArgs[name];
      if (value !== undefined) (stage ? stage.args : globalArgs)[name] = value;
      stage?.instructions.push(instruction);
    } else if (stage) {
      stage.instructions.push({ ...instruction, args: substitute(instruction.args, stage.args) });
    }
  }
  const final = stages.at(-1);
  if (!final) throw new Error(`${path} has no FROM`);
  return { stages, final };
}

export function all(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

export function last(stage: Stage, keyword: string): Instruction | undefined {
  return all(stage, keyword).at(-1);
}

/** The JSON ("exec") form as a list; the shell form as `sh -c`. */
export function execForm(args: string): string[] {
  return args.startsWith('[') ? (JSON.parse(args) as string[]) : ['/bin/sh', '-c', args];
}

/** `ENV A=1 B=2` (and the old `ENV A 1`) as a map, across every ENV of the stage. */
export function environmentOf(stage: Stage): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const { args } of all(stage, 'ENV')) {
    if (!args.includes('=')) {
      const [name = '', ...value] = args.split(/\s+/);
      environment[name] = value.join(' ');
      continue;
    }
    for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g)) {
      environment[match[1] ?? ''] = (match[2] ?? '').replace(/^(["'])(.*)\1$/, '$2');
    }
  }
  return environment;
}

export interface Copy {
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly destination: string;
}

export function copiesOf(stage: Stage): Copy[] {
  return all(stage, 'COPY').map(({ args }) => {
    const words = args.split(/\s+/);
    const from = words.find((word) => word.startsWith('--from='))?.slice(7);
    const paths = args.includes('[')
      ? (JSON.parse(args.slice(args.indexOf('['))) as string[])
      : words.filter((word) => !word.startsWith('--'));
    return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' };
  });
}

/** The HEALTHCHECK's command, without its options. */
export function healthcheckOf(stage: Stage): string[] | undefined {
  const instruction = last(stage, 'HEALTHCHECK');
  if (!instruction) return undefined;
  const command = /(?:^|\s)CMD\s+(.*)$/.exec(instruction.args)?.[1];
  return command === undefined ? undefined : execForm(command);
}

/** Whether `.dockerignore` keeps `path` (relative to the context) out of the build context. */
export function dockerIgnores(path: string): boolean {
  const rules = readFileSync(resolve(repoRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const segments = path.replace(/^\.\//, '').replace(/\/$/, '').split('/');
  // A path is out when it or one of its parent directories matches; the last matching rule wins.
  const candidates = segments.map((_, index) => segments.slice(0, index + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    const negated = rule.startsWith('!');
    const pattern = globToRegExp(rule.replace(/^!/, '').replace(/^\//, ''));
    if (candidates.some((candidate) => pattern.test(candidate))) ignored = !negated;
  }
  return ignored;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i] ?? '';
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
