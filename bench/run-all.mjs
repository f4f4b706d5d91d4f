#!/usr/bin/env node
// npm run bench: every benchmark, one after the other (never at once: each needs the machine to
// itself), each printing its own tables; then one summary line per benchmark. The variables
// (RUNS, DURATION, …) are passed to every benchmark; see bench/README.md.
// Usage: npm run bench                 all of them
//        npm run bench -- cache chat   some of them (login, cache, chat, telemetry)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCHES = {
  login: 'login-latency.mjs',
  cache: 'articles-cache.mjs',
  chat: 'chat-fanout.mjs',
  telemetry: 'telemetry-cost.mjs',
};

const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !(name in BENCHES));
if (unknown.length > 0)
  throw new Error(`unknown bench ${unknown.join(', ')}: choose from ${Object.keys(BENCHES)}`);
const names = chosen.length > 0 ? chosen : Object.keys(BENCHES);

const directory = mkdtempSync(path.join(os.tmpdir(), 'capstone-bench-'));
const summaryFile = path.join(directory, 'summary.txt');
const startedAt = performance.now();
const failures = [];
try {
  for (const name of names) {
    const started = performance.now();
    console.log(`\n=== bench:${name} ===`);
    const code = await new Promise((resolve) =>
      spawn(process.execPath, [fileURLToPath(new URL(BENCHES[name], import.meta.url))], {
        env: { ...process.env, BENCH_SUMMARY_FILE: summaryFile },
        stdio: 'inherit',
      }).once('exit', (exitCode, signal) => resolve(exitCode ?? signal)),
    );
    if (code !== 0) {
      const seconds = Math.round((performance.now() - started) / 1000);
      failures.push(`bench:${name}: FAILED (exit ${code}) after ${seconds} s`);
    }
  }
  const minutes = ((performance.now() - startedAt) / 60_000).toFixed(1);
  const summaries = (() => {
    try {
      return readFileSync(summaryFile, 'utf8').trim().split('\n');
    } catch {
      return [];
    }
  })();
  console.log(
    `\n=== npm run bench: ${names.length} benchmark${names.length === 1 ? '' : 's'} in ${minutes} min` +
      `${process.env.RUNS ? `, RUNS=${process.env.RUNS}` : ''} ===`,
  );
  for (const line of [...summaries, ...failures]) console.log(line);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
if (failures.length > 0) process.exitCode = 1;
