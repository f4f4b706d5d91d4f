// Memory of a Node process after a full garbage collection, read through its inspector (the
// process runs with --inspect=127.0.0.1:<port>): the way to measure the services' heap without
// changing their code. The session is opened for the reading only.

/** `process.memoryUsage()` of the process listening for the inspector on `port`, after a GC. */
export async function memoryAfterGc(port) {
  const [target] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error(`inspector on port ${port}`)), {
      once: true,
    });
  });
  const pending = new Map();
  let lastId = 0;
  socket.addEventListener('message', ({ data }) => {
    const reply = JSON.parse(data);
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = (lastId += 1);
      pending.set(id, (reply) =>
        reply.error
          ? reject(new Error(`${method}: ${reply.error.message}`))
          : resolve(reply.result),
      );
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    const { result } = await call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    return JSON.parse(result.value);
  } finally {
    socket.close();
  }
}
