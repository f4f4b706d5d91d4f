import { errorMessage } from '@capstone/errors';
import { createLogger } from '@capstone/logging';
import { retryUntil } from './retry-until.js';

/** A deploy step the app's processes must not start before (its migrations, the broker topology). */
export interface DeployStep {
  /**
   * What of the step is still to be done, empty once it is done: a pending migration, a missing
   * queue, or a server that does not answer yet. Throws only for what waiting will not mend (a
   * refused login).
   */
  pending(): Promise<string[]>;
}

export interface GateWait {
  readonly timeoutMs: number;
  readonly retryEveryMs: number;
  /** Told what is still pending before each new look. */
  readonly onWaiting?: (pending: readonly string[]) => void;
}

class StepsPending extends Error {
  constructor(readonly pending: readonly string[]) {
    super(`still pending: ${pending.join('; ')}`);
  }
}

/**
 * Resolves once every step reports nothing pending, looking again every `retryEveryMs`; after
 * `timeoutMs` it fails with what is still pending.
 */
export async function waitForDeploySteps(
  steps: readonly DeployStep[],
  wait: GateWait,
): Promise<void> {
  await retryUntil(
    async () => {
      const pending = (await Promise.all(steps.map((step) => step.pending()))).flat();
      if (pending.length > 0) throw new StepsPending(pending);
    },
    {
      timedOut: 'the deploy steps were not done',
      timeoutMs: wait.timeoutMs,
      retryEveryMs: wait.retryEveryMs,
      isTransient: (error) => error instanceof StepsPending,
      onRetry: (error) => wait.onWaiting?.((error as StepsPending).pending),
    },
  );
}

/**
 * How long an init container waits: longer than a migrate or broker-topology Job may run
 * (`activeDeadlineSeconds: 600`), so that a slow Job does not fail the pods it gates.
 */
const GATE_TIMEOUT_MS = 11 * 60_000;
const LOOK_EVERY_MS = 2_000;

/**
 * `deploy-gate`, an app's init container: returns once its deploy steps are done, so that the
 * app's process starts only on a migrated database and a declared broker topology; logs what it
 * waits for meanwhile. A failure (its configuration's too, or the wait running out) is logged and
 * ends the process with status 1: the kubelet starts the gate again, and `kubectl get pods`
 * shows the pod stuck in `Init`.
 */
export async function runDeployGate(
  service: string,
  steps: () => readonly DeployStep[],
): Promise<void> {
  const logger = createLogger(`${service}-deploy-gate`);
  let told = '';
  try {
    await waitForDeploySteps(steps(), {
      timeoutMs: GATE_TIMEOUT_MS,
      retryEveryMs: LOOK_EVERY_MS,
      // Once per change, not every two seconds for ten minutes.
      onWaiting: (pending) => {
        if (pending.join() === told) return;
        told = pending.join();
        logger.info({ pending }, 'waiting for the deploy steps');
      },
    });
    logger.info('deploy steps done');
  } catch (error) {
    logger.error(errorMessage(error));
    process.exit(1);
  }
}
