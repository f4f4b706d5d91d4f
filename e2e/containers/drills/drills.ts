import type { App } from './compose.ts';

/** One fault a drill injects: which compose service stops, and what should happen meanwhile. */
export interface Drill {
  readonly name: string;
  /** The compose service the drill stops, then starts again. */
  readonly service: string;
  /** The apps that must report not-ready while it is down (their critical dependency). */
  readonly notReady: readonly App[];
  /** What a learner should watch for, printed at the start. */
  readonly expect: string;
}

export const DRILLS: readonly Drill[] = [
  {
    name: 'rabbitmq',
    service: 'rabbitmq',
    notReady: ['gateway', 'auth', 'blog', 'chat'],
    expect:
      'every app reports not-ready; API calls answer 503 quickly; articles saved just before stay in the blog outbox and reach the chat once the broker is back',
  },
  {
    name: 'postgres',
    service: 'postgres',
    notReady: ['auth', 'blog'],
    expect:
      'auth and blog report not-ready and stop taking requests, so logins and article writes answer 503/504 within the deadline instead of hanging; reads of cached lists still answer',
  },
  {
    name: 'redis',
    service: 'redis',
    notReady: ['chat'],
    expect:
      'the chat reports not-ready (presence, rate limits and its adapter live there); the gateway stays ready with per-process limits',
  },
  {
    name: 'mongo',
    service: 'mongo',
    notReady: ['chat'],
    expect:
      'chat messages are refused, never acknowledged and then lost; the blog and auth carry on',
  },
  {
    name: 'blog',
    service: 'blog',
    notReady: [],
    expect:
      'article writes answer 503/504 within the deadline while logins and chat carry on; writes acknowledged before are all there after',
  },
];

export function drillNamed(name: string): Drill {
  const drill = DRILLS.find((candidate) => candidate.name === name);
  if (!drill) {
    throw new Error(
      `no drill named ${name}; choose one of ${DRILLS.map((d) => d.name).join(', ')}`,
    );
  }
  return drill;
}
