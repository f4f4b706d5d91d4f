#!/usr/bin/env node
// Fan-out of one busy public room: CLIENTS Socket.IO clients (WebSocket only) in one room, spread
// evenly over two chat instances (production builds sharing MongoDB, Redis and the broker).
// Each run, for the baseline and then for the chat, in this order of phases:
// - join storm: the clients connect, then all join the room, JOIN_BATCH joins in flight at a
//   time; reported: until every join is acknowledged, and until the presence broadcasts the
//   joins cause (the chat's, not the baseline's) have all arrived;
// - memory: each server's RSS and V8 heap used after a full GC (through its inspector), idle
//   before the clients connect, holding its CLIENTS / 2 sockets, and after the send phase;
// - send: sender clients post RATE messages per second in total for DURATION seconds; reported:
//   the delivery latency from send to receipt at every other client (the send time travels in the
//   message text; one process, one clock), the ack latency, messages acknowledged vs stored in
//   MongoDB (loss), deliveries received vs expected.
// Baseline in the same run, under the same load: two bare Socket.IO 4 servers with the Redis
// adapter (bench/baselines/socket-io.mjs: no authentication, storage or presence) that broadcast
// each message to the room and ack it. Tables show where the CPU went during the joins and sends.
// Usage: npm run bench:chat
//   CLIENTS=1000        clients in the room (half on each instance); at least RATE + 1
//   DURATION=30         seconds of sending
//   RATE=50             messages per second in all, from RATE senders posting once a second each
//   JOIN_BATCH=50       connections and joins in flight at a time
//   READER_ACCOUNTS=10  accounts the other clients sign in with (many sockets each)
//   RUNS=1              how many times each scenario is repeated (medians and min–max shown)
// A quick check at a small size: CLIENTS=40 DURATION=3 RATE=10 npm run bench:chat
import { MongoClient, ObjectId } from 'mongodb';
import socketClient from 'socket.io-client';
import { startBaseline } from './lib/baseline.mjs';
import { runScenario } from './lib/chat-load.mjs';
import { RULES } from './lib/chat-protocol.mjs';
import { describeMachine, localStores, machineLine } from './lib/machine.mjs';
import { printCpuTable, runCount, runsLabel, runsNote, summarize } from './lib/report.mjs';
import { figureTable, lossLine, summaryLine } from './lib/chat-report.mjs';
import { dropRedisKeys, startBenchStack } from './lib/stack.mjs';

const startedAt = performance.now();
const machine = describeMachine();
const runs = runCount();
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

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const accountsPerRun = senderCount + readerAccounts;
// The readers are a few accounts with many sockets each, joining at once, and every run signs up
// new accounts: far more than the chat and the gateway let one person or address hold or do, so
// those limits are lifted for the run.
const stack = await startBenchStack(
  'chat',
  {
    SOCKETS_PER_USER_MAX: String(Math.ceil(clientCount / readerAccounts) + senderCount + 10),
    RATE_LIMIT_JOINS_PER_USER: `${clientCount * 2}/60`,
    RATE_LIMIT_SIGN_UPS_PER_ADDRESS: `${accountsPerRun * runs + 10}/3600`,
  },
  { apps: ['auth', 'gateway', 'chat'], chatInstances: instanceCount, inspect: ['chat'] },
);
const baselinePrefix = `capstone-bench:chat-baseline:${Date.now().toString(36)}:`;
const baselineServers = [];
try {
  for (let i = 0; i < instanceCount; i += 1) {
    baselineServers.push(
      await startBaseline(
        `bare socket.io ${i + 1}`,
        'socket-io.mjs',
        { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: baselinePrefix },
        { readyPath: '/health/ready', inspect: true },
      ),
    );
  }
  const chatServers = stack.processes
    .filter(({ app }) => app === 'chat')
    .map((process, index) => ({ ...process, url: stack.chatUrls[index] }));
  const tracked = [
    ...[...baselineServers, ...stack.processes].map(({ name, pid }) => ({ name, pid })),
    ...localStores(['MongoDB-protocol server', 'Redis', 'RabbitMQ']),
  ];
  let tokens = [];
  const load = {
    socketClient,
    clientCount,
    duration,
    rate,
    senderCount,
    joinBatch,
    // Joins wait in line behind each other's presence broadcasts: give a slow storm time.
    joinTimeoutMs: 120_000,
    tokenOf: (index) =>
      index < senderCount ? tokens[index] : tokens[senderCount + (index % readerAccounts)],
  };

  const signUp = async (username) => {
    const response = await fetch(`${stack.baseUrl}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        user: { email: `${username}@example.com`, username, password: 'correct horse battery' },
      }),
    });
    if (response.status !== 201)
      throw new Error(`sign-up of ${username}: ${response.status} ${await response.text()}`);
    return (await response.json()).user.token;
  };
  const countStored = async (roomId) => {
    const mongo = new MongoClient(stack.mongo.url, { serverSelectionTimeoutMS: 5_000 });
    try {
      return await mongo
        .db(stack.mongo.database)
        .collection('messages')
        .countDocuments({ roomId: new ObjectId(roomId) });
    } finally {
      await mongo.close();
    }
  };

  const results = { baseline: [], chat: [] };
  for (let run = 0; run < runs; run += 1) {
    const baseline = await runScenario(
      { name: 'baseline: bare socket.io + redis adapter ×2', servers: baselineServers, tracked },
      load,
    );
    await baseline.close();
    results.baseline.push(baseline);

    // New accounts every run, signed up just before the chat's scenario, so that their access
    // tokens (15 min) outlive it.
    const tag = `${Date.now().toString(36)}r${run}`;
    const names = [
      ...Array.from({ length: senderCount }, (_, i) => `sender${i}-${tag}`),
      ...Array.from({ length: readerAccounts }, (_, i) => `reader${i}-${tag}`),
    ];
    tokens = [];
    for (let i = 0; i < names.length; i += 4)
      tokens.push(...(await Promise.all(names.slice(i, i + 4).map(signUp))));
    const chat = await runScenario(
      { name: 'chat ×2 (auth, MongoDB, Redis)', servers: chatServers, tracked },
      load,
    );
    chat.stored = await countStored(chat.roomId);
    await chat.close();
    results.chat.push(chat);
  }

  const socketsPerServer = clientCount / instanceCount;
  console.log(
    `\nchat fan-out | ${clientCount} clients in 1 public room over ${instanceCount} instances ` +
      `(WebSocket; ${socketsPerServer} sockets each) | joins ${joinBatch} at a time | ` +
      `${rate} msg/s for ${duration} s from ${senderCount} senders (${perSenderRate} msg/s each; ` +
      `${readerAccounts} reader accounts) | ${runsLabel(runs)} | ${machineLine(machine)} | ` +
      `load generator in the same machine (one process)`,
  );
  console.table(figureTable(results, socketsPerServer));
  const cpuColumns = [
    ['baseline join', results.baseline, 'joinCpu'],
    ['baseline send', results.baseline, 'sendCpu'],
    ['chat join', results.chat, 'joinCpu'],
    ['chat send', results.chat, 'sendCpu'],
  ].map(([name, scenarioRuns, phase]) => ({
    name,
    windows: scenarioRuns.map((result) => result[phase]),
  }));
  printCpuTable(cpuColumns, machine.cores);
  console.log(lossLine(results.chat));
  summarize(
    'bench:chat',
    `${summaryLine(results, clientCount, socketsPerServer)}; ${runsNote(runs)}`,
    startedAt,
  );
} finally {
  for (const server of baselineServers) await server.stop();
  await dropRedisKeys(baselinePrefix);
  await stack.stop();
}
