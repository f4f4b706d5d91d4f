#!/usr/bin/env node
// Fan-out of one busy public room: CLIENTS Socket.IO clients (WebSocket only) in one room, spread
// evenly over two chat instances (production builds sharing MongoDB, Redis and the broker), while
// sender clients post RATE messages per second in total for DURATION seconds. Reports the delivery
// latency from send to receipt at every other client (the send time travels in the message text;
// sender and receivers live in this one process, so one clock), messages acknowledged vs stored in
// MongoDB, deliveries received vs expected, and the memory of each server process at the end.
// Baseline in the same run, under the same load: two bare Socket.IO 4 servers with the Redis
// adapter (no authentication, no storage) that broadcast each message to the room and ack it.
// Usage: npm run bench:chat   (CLIENTS=1000 DURATION=30 RATE=50 to change the load)
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The chat's default per-user send limit (`RATE_LIMIT_SENDS_PER_USER` in its configuration). */
const RULES = { messagesPerWindow: 10, rateWindowMs: 5_000 };
/** Socket.IO event names (`ChatSocket` in the same file). */
const EVENTS = {
  createRoom: 'room:create',
  joinRoom: 'room:join',
  sendMessage: 'message:send',
  messageCreated: 'message:new',
  presence: 'presence',
};

if (process.argv[2] === '--baseline-server') {
  await runBaselineServer();
} else {
  await main();
}

/**
 * The baseline: a bare Socket.IO server on the same Redis (with a key prefix of its own) through
 * the same adapter. It speaks the chat's events for what the load uses, and does nothing else:
 * no token check, no storage, no rate limit, no presence.
 */
async function runBaselineServer() {
  const { Server } = await import('socket.io');
  const { createAdapter } = await import('@socket.io/redis-adapter');
  const { Redis } = await import('ioredis');
  const pub = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null });
  const sub = pub.duplicate();
  const http = createServer((request, response) => {
    response.writeHead(request.url === '/health/ready' ? 200 : 404).end();
  });
  const io = new Server(http, {
    path: '/socket.io',
    maxHttpBufferSize: 16_384,
    adapter: createAdapter(pub, sub, { key: process.env.REDIS_KEY_PREFIX }),
  });
  let sequence = 0;
  const roomView = (id, name) => ({
    id,
    name,
    kind: 'public',
    peer: null,
    memberCount: 0,
    lastMessageAt: null,
    unread: 0,
  });
  io.on('connection', (socket) => {
    const author = { userId: randomUUID(), username: `anonymous-${socket.id.slice(0, 6)}` };
    socket.on(EVENTS.createRoom, (body, ack) =>
      ack({ ok: true, data: roomView(randomUUID(), body?.name) }),
    );
    socket.on(EVENTS.joinRoom, async (body, ack) => {
      await socket.join(`room:${body.roomId}`);
      ack({ ok: true, data: roomView(body.roomId, 'room') });
    });
    socket.on(EVENTS.sendMessage, (body, ack) => {
      const message = {
        id: `${process.pid.toString(16)}${(sequence += 1).toString(16).padStart(16, '0')}`,
        roomId: body.roomId,
        author,
        text: body.text,
        createdAt: new Date().toISOString(),
        editedAt: null,
        deleted: false,
        clientMessageId: body.clientMessageId,
      };
      socket.to(`room:${body.roomId}`).emit(EVENTS.messageCreated, message);
      ack({ ok: true, data: message });
    });
  });
  http.listen(Number(process.env.PORT), '127.0.0.1');
  process.on('SIGTERM', () => {
    io.close();
    pub.disconnect();
    sub.disconnect();
    process.exit(0);
  });
}

async function main() {
  const { default: socketClient } = await import('socket.io-client');
  const { MongoClient, ObjectId } = await import('mongodb');
  const { startBenchStack, freePort, waitReady, rssBytes, cpuSeconds, dropRedisKeys } =
    await import('./lib/stack.mjs');

  const clientCount = Number(process.env.CLIENTS ?? 1_000);
  const duration = Number(process.env.DURATION ?? 30);
  const rate = Number(process.env.RATE ?? 50);
  // Each sender posts once a second: half of what the send limit allows (10 per 5 s), so a sender stays
  // under the limit even when the event loop bunches its sends or a fixed window is cut unevenly.
  const perSenderRate = RULES.messagesPerWindow / (RULES.rateWindowMs / 1_000) / 2;
  const senderCount = Math.ceil(rate / perSenderRate);
  const readerAccounts = Number(process.env.READER_ACCOUNTS ?? 10);
  const joinBatch = Number(process.env.JOIN_BATCH ?? 50);
  const instanceCount = 2;
  if (senderCount >= clientCount)
    throw new Error(`RATE=${rate} needs ${senderCount} senders: raise CLIENTS`);

  const loadAtStart = os.loadavg()[0];
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const mongoUrl = process.env.TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27017';
  // The readers are a few accounts with many sockets each, joining at once: far more than the
  // chat lets one person hold or do, so those two limits are lifted for the run.
  const stack = await startBenchStack(
    'chat',
    {
      SOCKETS_PER_USER_MAX: String(Math.ceil(clientCount / readerAccounts) + senderCount + 10),
      RATE_LIMIT_JOINS_PER_USER: `${clientCount * 2}/60`,
    },
    { apps: ['auth', 'gateway', 'chat'], chatInstances: instanceCount },
  );
  const baselinePrefix = `capstone-bench:chat-baseline:${Date.now().toString(36)}:`;
  const baselineServers = [];
  try {
    // The baseline servers run as processes of their own, like the chat instances.
    for (let i = 0; i < instanceCount; i += 1) {
      const port = await freePort();
      const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--baseline-server'], {
        env: {
          ...process.env,
          PORT: String(port),
          REDIS_URL: redisUrl,
          REDIS_KEY_PREFIX: baselinePrefix,
        },
        stdio: 'inherit',
      });
      baselineServers.push({ name: `baseline-${i + 1}`, port, pid: child.pid, child });
    }
    for (const { port } of baselineServers)
      await waitReady(`http://127.0.0.1:${port}/health/ready`);

    let senderTokens = [];
    let readerTokens = [];
    // The stores' server processes, if they run on this machine (shared with anyone using them).
    const stores = [
      { name: 'MongoDB-protocol server (shared)', url: mongoUrl, defaultPort: 27017 },
      { name: 'Redis (shared)', url: redisUrl, defaultPort: 6379 },
    ]
      .map(({ name, url, defaultPort }) => {
        const { hostname, port } = new URL(url);
        const local = ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
        return { name, pid: local ? pidListeningOn(Number(port || defaultPort)) : null };
      })
      .filter(({ pid }) => pid !== null);
    const load = {
      cpuSeconds,
      socketClient,
      clientCount,
      duration,
      rate,
      senderCount,
      joinBatch,
      tokenOf: (index) =>
        index < senderCount ? senderTokens[index] : readerTokens[index % readerTokens.length],
    };
    const scenario = (name, urls, pids) => runLoad({ name, urls, pids }, load);

    // Every process of ours and the stores', tracked during both runs: what is left of the
    // machine's CPU time is other users' work (this machine is shared) and the kernel's.
    const tracked = [...baselineServers, ...stack.processes, ...stores];
    const rss = new Map();
    const remember = (processes) => {
      for (const { pid } of processes) rss.set(pid, rssBytes(pid));
    };

    const baseline = await scenario(
      'baseline: bare socket.io + redis adapter ×2',
      baselineServers.map(({ port }) => `http://127.0.0.1:${port}`),
      tracked.map(({ pid }) => pid),
    );
    remember(baselineServers);
    const generatorRssAfterBaseline = process.memoryUsage.rss();
    await baseline.close();

    // Users are signed up only now, so that their access tokens (15 min) outlive the chat run.
    const tag = Date.now().toString(36);
    const signUp = async (username) => {
      const response = await fetch(`${stack.baseUrl}/api/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          user: { email: `${username}@example.com`, username, password: 'correct horse battery' },
        }),
      });
      if (response.status !== 201 && response.status !== 200)
        throw new Error(`sign-up of ${username}: ${response.status} ${await response.text()}`);
      return (await response.json()).user.token;
    };
    const names = [
      ...Array.from({ length: senderCount }, (_, i) => `sender${i}-${tag}`),
      ...Array.from({ length: readerAccounts }, (_, i) => `reader${i}-${tag}`),
    ];
    const tokens = [];
    for (let i = 0; i < names.length; i += 4)
      tokens.push(...(await Promise.all(names.slice(i, i + 4).map(signUp))));
    senderTokens = tokens.slice(0, senderCount);
    readerTokens = tokens.slice(senderCount);

    const chat = await scenario(
      'chat ×2 (auth, MongoDB, Redis)',
      stack.chatUrls,
      tracked.map(({ pid }) => pid),
    );
    remember([...stack.processes, ...stores]);
    const mongo = new MongoClient(stack.mongo.url, { serverSelectionTimeoutMS: 5_000 });
    let stored;
    try {
      stored = await mongo
        .db(stack.mongo.database)
        .collection('messages')
        .countDocuments({ roomId: new ObjectId(chat.roomId) });
    } finally {
      await mongo.close();
    }
    const generatorRssAfterChat = process.memoryUsage.rss();
    await chat.close();

    const processRows = tracked.map(({ name, pid }) => ({
      process: name,
      'RSS MiB at end of its run': mib(rss.get(pid)),
      'CPU % in baseline run': baseline.window.cpuPercent(pid),
      'CPU % in chat run': chat.window.cpuPercent(pid),
    }));
    processRows.push(
      {
        process: 'load generator (this process)',
        'RSS MiB at end of its run': `${mib(generatorRssAfterBaseline)} / ${mib(generatorRssAfterChat)}`,
        'CPU % in baseline run': baseline.window.generatorPercent(),
        'CPU % in chat run': chat.window.generatorPercent(),
      },
      {
        process: 'rest of the machine (other users, kernel)',
        'RSS MiB at end of its run': '',
        'CPU % in baseline run': baseline.window.restPercent(),
        'CPU % in chat run': chat.window.restPercent(),
      },
      {
        process: `whole machine (${os.cpus().length} cores = ${os.cpus().length * 100} %)`,
        'RSS MiB at end of its run': '',
        'CPU % in baseline run': baseline.window.machinePercent(),
        'CPU % in chat run': chat.window.machinePercent(),
      },
    );

    const cpu = os.cpus();
    console.log(
      `\nchat fan-out | ${clientCount} clients in 1 public room over ${instanceCount} instances ` +
        `(WebSocket) | ${rate} msg/s for ${duration} s from ${senderCount} senders ` +
        `(${perSenderRate} msg/s each; ${readerAccounts} reader accounts) | ` +
        `${cpu.length} × ${cpu[0]?.model} | Node ${process.version} | ` +
        `load generator in the same machine (one process) | ` +
        `1-min load average at start ${loadAtStart.toFixed(2)}`,
    );
    console.table(figures([baseline, chat], { [chat.name]: stored }));
    console.table(processRows);
    const lost = chat.acked - stored;
    console.log(
      `chat: ${chat.acked} acknowledged, ${stored} stored in MongoDB` +
        (lost === 0
          ? ' (no loss)'
          : ` (${lost > 0 ? `${lost} LOST` : `${-lost} more stored than acked`})`) +
        `; deliveries ${chat.received} of ${chat.expected} expected.`,
    );
  } finally {
    for (const { child } of baselineServers) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(
      baselineServers.map(({ child }) =>
        child.exitCode !== null || child.signalCode !== null
          ? undefined
          : new Promise((resolve) => child.once('exit', resolve)),
      ),
    );
    await dropRedisKeys(baselinePrefix);
    await stack.stop();
  }
}

/**
 * Connects and joins the clients in batches, then sends `load.rate` messages a second for
 * `load.duration` seconds from the sender clients, and waits for the deliveries to arrive. `load`
 * holds what every scenario shares; `urls` are the instances one scenario spreads the clients over.
 */
async function runLoad({ name, urls, pids }, load) {
  const log = (text) => console.error(`[${name}] ${text}`);
  const sockets = [];
  let presenceEvents = 0;
  let disconnects = 0;
  const connect = (index) =>
    new Promise((resolve, reject) => {
      const socket = load.socketClient(urls[index % urls.length], {
        transports: ['websocket'],
        auth: { token: load.tokenOf(index) },
        forceNew: true,
        reconnection: false,
      });
      sockets[index] = socket; // closed at the end even if it never connects
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) =>
        reject(new Error(`client ${index}: ${error.message}`)),
      );
      socket.on(EVENTS.presence, () => (presenceEvents += 1));
      socket.on('disconnect', () => (disconnects += 1));
    });
  const ask = async (socket, event, payload) => {
    const ack = await socket.timeout(30_000).emitWithAck(event, payload);
    if (!ack.ok) throw new Error(`${event}: ${ack.error}`);
    return ack.data;
  };
  const close = async () => {
    for (const socket of sockets) socket?.close();
    await delay(1_000);
  };

  try {
    // Connect and join in batches: every join makes the chat broadcast the room's presence to
    // everyone already in it, so joining all at once would bury the machine in presence events.
    let roomId;
    const joinStarted = performance.now();
    for (let first = 0; first < load.clientCount; first += load.joinBatch) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(load.joinBatch, load.clientCount - first) }, (_, i) =>
          connect(first + i),
        ),
      );
      if (roomId === undefined) {
        roomId = (
          await ask(sockets[0], EVENTS.createRoom, {
            name: `fanout-${randomUUID().slice(0, 8)}`,
            kind: 'public',
          })
        ).id;
      }
      await Promise.all(batch.map((socket) => ask(socket, EVENTS.joinRoom, { roomId })));
    }
    // Wait until the presence broadcasts of the joins have all arrived (none for a second).
    for (let seen = -1; seen !== presenceEvents;) {
      seen = presenceEvents;
      await delay(1_000);
    }
    log(
      `${sockets.length} clients joined in ${((performance.now() - joinStarted) / 1000).toFixed(1)} s`,
    );

    const total = Math.round(load.rate * load.duration);
    const receivers = load.clientCount - 1;
    let latencies = new Float64Array(total * receivers);
    // When each delivery arrived and of which message, to compare with when its ack arrived.
    let arrivals = new Float64Array(total * receivers);
    let arrivalSequences = new Uint32Array(total * receivers);
    const ackedAt = new Float64Array(total).fill(NaN);
    let received = 0;
    const receivedPerMessage = new Uint32Array(total);
    let foreign = 0;
    const prefix = 'fanout ';
    const onMessage = (message) => {
      const now = performance.now();
      const text = message?.text;
      if (typeof text !== 'string' || !text.startsWith(prefix)) return void (foreign += 1);
      const space = text.indexOf(' ', prefix.length);
      const sequence = Number(text.slice(prefix.length, space));
      const sentAt = Number(text.slice(space + 1, text.indexOf(' ', space + 1)));
      if (!(Number.isInteger(sequence) && sequence >= 0 && sequence < total)) {
        foreign += 1;
        return;
      }
      if (received === latencies.length) {
        const grow = (array) => {
          const bigger = new array.constructor(array.length * 2 + 1024);
          bigger.set(array);
          return bigger;
        };
        [latencies, arrivals, arrivalSequences] = [latencies, arrivals, arrivalSequences].map(grow);
      }
      latencies[received] = now - sentAt;
      arrivals[received] = now;
      arrivalSequences[received] = sequence;
      received += 1;
      receivedPerMessage[sequence] += 1;
    };
    for (const socket of sockets) socket.on(EVENTS.messageCreated, onMessage);

    // About 100 bytes of text, like a short chat line, after the sequence number and send time.
    const padding = 'x'.repeat(80);
    const ackLatencies = [];
    const failures = new Map();
    let acked = 0;
    let failed = 0;
    let pending = 0;
    let maxLagMs = 0;
    const window = cpuWindow(pids, load.cpuSeconds);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const interval = 1_000 / load.rate;
    const started = performance.now();
    for (let sequence = 0; sequence < total; sequence += 1) {
      const due = started + sequence * interval;
      const wait = due - performance.now();
      if (wait > 1) await delay(wait);
      maxLagMs = Math.max(maxLagMs, performance.now() - due);
      // Round robin: sender i posts every `senderCount` ticks, that is `perSenderRate` a second.
      const socket = sockets[sequence % load.senderCount];
      const sentAt = performance.now();
      pending += 1;
      socket.timeout(30_000).emit(
        EVENTS.sendMessage,
        {
          roomId,
          text: `${prefix}${sequence} ${sentAt.toFixed(3)} ${padding}`,
          clientMessageId: randomUUID(),
        },
        (error, ack) => {
          pending -= 1;
          if (!error && ack?.ok) {
            acked += 1;
            ackedAt[sequence] = performance.now();
            ackLatencies.push(ackedAt[sequence] - sentAt);
          } else {
            failed += 1;
            const reason = error ? 'no acknowledgement within 30 s' : String(ack?.error);
            failures.set(reason, (failures.get(reason) ?? 0) + 1);
          }
        },
      );
    }
    const sendSeconds = (performance.now() - started) / 1000;
    // Drain: wait for the last acknowledgements, then for deliveries until all expected arrived
    // or none came for 3 s.
    while (pending > 0) await delay(50);
    for (let quiet = 0, seen = received; received < acked * receivers && quiet < 3_000;) {
      await delay(100);
      quiet = received === seen ? quiet + 100 : 0;
      seen = received;
    }
    window.end();
    loopDelay.disable();
    log(
      `sent ${total} in ${sendSeconds.toFixed(1)} s, acked ${acked}, failed ${failed}, ` +
        `deliveries ${received}/${acked * receivers}`,
    );
    for (const [reason, count] of failures) log(`  ${count} × ${reason}`);

    const sorted = latencies.subarray(0, received).sort();
    const acks = Float64Array.from(ackLatencies).sort();
    // How much later (or earlier: negative) the others got a message than its sender got the ack.
    const afterAck = new Float64Array(received);
    let afterAckCount = 0;
    for (let i = 0; i < received; i += 1) {
      const at = ackedAt[arrivalSequences[i]];
      if (!Number.isNaN(at)) afterAck[afterAckCount++] = arrivals[i] - at;
    }
    latencies = arrivals = arrivalSequences = undefined;
    let incomplete = 0;
    for (let i = 0; i < total; i += 1) if (receivedPerMessage[i] < receivers) incomplete += 1;
    return {
      name,
      roomId,
      sent: total,
      sendRate: total / sendSeconds,
      maxLagMs,
      acked,
      failed,
      received,
      expected: acked * receivers,
      incomplete,
      foreign,
      disconnects,
      delivery: percentiles(sorted),
      ack: percentiles(acks),
      afterAck: percentiles(afterAck.subarray(0, afterAckCount).sort()),
      loopDelayP99: loopDelay.percentile(99) / 1e6,
      window,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Busy and total CPU time of the whole machine so far, in seconds, from /proc/stat. */
function machineSeconds() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = ticks.map(Number);
  return (user + nice + system + irq + softirq + steal) / 100; // USER_HZ
}

/**
 * CPU use, in % of one core, from now until `end()`: of this process, of the processes `pids`,
 * of the whole machine, and of everything else (the machine minus this process and `pids`).
 */
function cpuWindow(pids, cpuSeconds) {
  const startedAt = performance.now();
  const cpuAtStart = process.cpuUsage();
  const machineAtStart = machineSeconds();
  const startTimes = new Map(pids.map((pid) => [pid, cpuSeconds(pid)]));
  const endTimes = new Map();
  let seconds = NaN;
  let generator = NaN;
  let machine = NaN;
  const percent = (used) => (Number.isNaN(used) ? '—' : Math.round((used / seconds) * 100));
  const used = (pid) => {
    const [from, to] = [startTimes.get(pid), endTimes.get(pid)];
    return from == null || to == null ? NaN : to - from;
  };
  return {
    end() {
      seconds = (performance.now() - startedAt) / 1000;
      const own = process.cpuUsage(cpuAtStart);
      generator = (own.user + own.system) / 1e6;
      machine = machineSeconds() - machineAtStart;
      for (const pid of pids) endTimes.set(pid, cpuSeconds(pid));
    },
    seconds: () => seconds,
    generatorPercent: () => percent(generator),
    cpuPercent: (pid) => percent(used(pid)),
    machinePercent: () => percent(machine),
    restPercent: () =>
      percent(
        Math.max(
          0,
          pids.reduce((rest, pid) => rest - (used(pid) || 0), machine - generator),
        ),
      ),
  };
}

/** The process listening on this TCP port on this machine, from /proc; null if not found. */
function pidListeningOn(port) {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields[3] === '0A' && fields[1]?.endsWith(hex)) inodes.add(fields[9]); // 0A: LISTEN
      }
    } catch {
      // no such table
    }
  }
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode && inodes.has(inode)) return Number(pid);
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return null;
}

function percentiles(sorted) {
  const at = (p) =>
    sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return {
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

function mib(bytes) {
  return bytes == null ? '—' : Math.round(bytes / 1024 / 1024);
}

/** One column per run, one row per figure. */
function figures(runs, storedByName) {
  const ms = (value) => (Number.isNaN(value) ? '—' : value.toFixed(1));
  const rows = {
    'messages sent': (run) => run.sent,
    'send rate achieved (msg/s)': (run) => run.sendRate.toFixed(1),
    'seconds sending + draining (CPU window)': (run) => run.window.seconds().toFixed(1),
    'messages acknowledged': (run) => run.acked,
    'messages refused or unacknowledged': (run) => run.failed,
    'messages stored in MongoDB': (run) => storedByName[run.name] ?? '— (no storage)',
    'deliveries received': (run) => run.received,
    'deliveries expected (acked × (clients − 1))': (run) => run.expected,
    'messages not delivered to every client': (run) => run.incomplete,
    'unrecognised messages received': (run) => run.foreign,
    'delivery p50 ms': (run) => ms(run.delivery.p50),
    'delivery p90 ms': (run) => ms(run.delivery.p90),
    'delivery p99 ms': (run) => ms(run.delivery.p99),
    'delivery max ms': (run) => ms(run.delivery.max),
    'ack p50 ms': (run) => ms(run.ack.p50),
    'ack p90 ms': (run) => ms(run.ack.p90),
    'ack p99 ms': (run) => ms(run.ack.p99),
    'delivery − ack of the same message p50 ms': (run) => ms(run.afterAck.p50),
    'delivery − ack of the same message p99 ms': (run) => ms(run.afterAck.p99),
    'load generator event-loop delay p99 ms': (run) => ms(run.loopDelayP99),
    'client disconnects during run': (run) => run.disconnects,
  };
  return Object.fromEntries(
    Object.entries(rows).map(([figure, value]) => [
      figure,
      Object.fromEntries(runs.map((run) => [run.name, value(run)])),
    ]),
  );
}
