// Starts a baseline server of bench/baselines as a process of its own, as the services it is
// compared with run, so that it neither shares the load generator's event loop nor hides its
// CPU time in the load generator's.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { forwardStderr, freePort, waitReady } from './stack.mjs';

/**
 * Runs `bench/baselines/<script>` with `env` and a free PORT, and waits until `readyPath` answers
 * 200. With `inspect`, the process listens for the inspector on `inspectPort` (127.0.0.1), so that
 * its memory can be read after a garbage collection (see inspector.mjs).
 */
export async function startBaseline(name, script, env, { readyPath = '/', inspect = false } = {}) {
  const port = await freePort();
  const inspectPort = inspect ? await freePort() : undefined;
  const child = spawn(
    process.execPath,
    [
      ...(inspect ? [`--inspect=127.0.0.1:${inspectPort}`, '--inspect-publish-uid=http'] : []),
      fileURLToPath(new URL(`../baselines/${script}`, import.meta.url)),
    ],
    { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'inherit', 'pipe'] },
  );
  forwardStderr(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await Promise.race([
      waitReady(`http://127.0.0.1:${port}${readyPath}`),
      exited.then((code) => {
        throw new Error(`${name} (${script}) exited with ${code} before it was ready`);
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, pid: child.pid, port, url: `http://127.0.0.1:${port}`, inspectPort, stop };
}
