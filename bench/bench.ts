/**
 * `npm run bench`: the sandbox under load, against the ceiling of its own stack on this machine.
 *
 * Seeds a fresh database (100,000 users, 1,000 groups, a group of 10,000 members) through the
 * store, starts the production build (dist/server.js) as its own process on 127.0.0.1 and a bare
 * Fastify server (bench/ceiling-server.ts) likewise, and drives both with autocannon from this
 * process (no worker threads: the machine has two cores, one for the load, one for the server).
 * Three runs; each restarts both servers (the sandbox's start-up is timed on the 100k database)
 * and runs every scenario for BENCH_SECONDS_10 s at 10 connections and BENCH_SECONDS_50 s at 50,
 * after a short warm-up. Prints the medians and writes bench/results.json.
 *
 * Environment: BENCH_RUNS (3), BENCH_SECONDS_10 (5), BENCH_SECONDS_50 (3), BENCH_WARMUP (1),
 * BENCH_USERS (100000; at least 70000), BENCH_ONLY (comma-separated scenario keys), BENCH_KEEP_DB
 * (keep the file), BENCH_RESULTS (where the results go instead of bench/results.json),
 * BENCH_BACKENDS (comma-separated, default `sqlite`): `sqlite`, `postgres` (one process on a
 * private PostgreSQL started here), `postgres-2` (two processes on that database, the connections
 * split between them); several of them run one after another in the same run, reported side by side.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { seedDatabase, type Seeded } from './seed.js';
import { memoryOf, startCeiling, startSandbox, stop, type Child } from './processes.js';
import { startPrivatePostgres, type PrivatePostgres } from '../test/helpers/private-postgres.js';
import { createPostgresDatabase } from '../test/helpers/test-database.js';
import type { StoreLocation } from '../src/store/open-store.js';

const env = process.env;
const RUNS = Number(env.BENCH_RUNS ?? 3);
const SECONDS: Record<number, number> = { 10: Number(env.BENCH_SECONDS_10 ?? 5), 50: Number(env.BENCH_SECONDS_50 ?? 3) };
const WARMUP = Number(env.BENCH_WARMUP ?? 1);
const USERS = Number(env.BENCH_USERS ?? 100_000);
const CONNECTIONS = [10, 50] as const;
const RSS_SETTLE_MS = 3000;
const SCIM_TOKEN = 'bench-scim-token-0000000000000000';
const ADMIN_TOKEN = 'bench-admin-token-000000000000000';
const RESULTS = env.BENCH_RESULTS ?? fileURLToPath(new URL('./results.json', import.meta.url));
const BACKENDS = ['sqlite', 'postgres', 'postgres-2'] as const;
type Backend = (typeof BACKENDS)[number];
const BACKEND_TITLES: Record<Backend, string> = { sqlite: 'SQLite, 1 process', postgres: 'PostgreSQL, 1 process', 'postgres-2': 'PostgreSQL, 2 processes' };
const chosenBackends = (env.BENCH_BACKENDS ?? 'sqlite').split(',').map((b) => b.trim()) as Backend[];
for (const b of chosenBackends) if (!BACKENDS.includes(b)) throw new Error(`BENCH_BACKENDS: unknown backend "${b}" (${BACKENDS.join(', ')})`);

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

type Req = { method: string; path: string; body?: string };
type Context = Record<string, number>;

interface Scenario {
  key: string;
  title: string;
  /** The ceiling runs against the bare Fastify server; everything else against the sandbox. */
  ceiling?: boolean;
  /** Builds each request; `context` is per connection (autocannon's). */
  next: (context: Context) => Req;
  /** Only at these connection counts (default both). */
  connections?: readonly number[];
  /** Account settings for this scenario (PATCH /admin/api/settings), set back to the defaults after it. */
  settings?: Record<string, unknown>;
}

const NO_CONTENT = { groupPatchResponse: 'no-content' };
const DEFAULT_SETTINGS = { groupPatchResponse: 'resource' };

/** Sets account settings through the admin API, as an operator would. */
async function setSettings(baseUrl: string, settings: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${baseUrl}/admin/api/settings`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  if (!res.ok) throw new Error(`PATCH /admin/api/settings answered ${res.status}: ${await res.text()}`);
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

function scenarios(seed: Seeded, runTag: string): Scenario[] {
  let posted = 0;
  let connection = 0;
  // Each connection adds a member and then removes the same one, from its own block of the pool:
  // a connection's requests are sequential, so the group's size stays put (a counter shared by all
  // connections let a remove overtake its add, and the group grew by hundreds over a run).
  const memberPatch = (groupId: string, query: string) => (context: Context): Req => {
    context.connection ??= connection++;
    context.turn ??= 0;
    const n = context.turn++;
    const member = seed.memberPool[(context.connection * 100 + (Math.floor(n / 2) % 100)) % seed.memberPool.length]!;
    const operation = n % 2 === 0
      ? { op: 'add', path: 'members', value: [{ value: member }] }
      : { op: 'remove', path: `members[value eq "${member}"]` };
    return { method: 'PATCH', path: `/scim/v2/Groups/${groupId}${query}`, body: JSON.stringify({ schemas: [PATCH_OP], Operations: [operation] }) };
  };
  return [
    { key: 'ceiling', title: 'ceiling: bare Fastify, bearer check, fixed 1 KB user', ceiling: true, next: () => ({ method: 'GET', path: `/scim/v2/Users/${pick(seed.userIds)}` }) },
    { key: 'get-user', title: 'GET /Users/{id}', next: () => ({ method: 'GET', path: `/scim/v2/Users/${pick(seed.userIds)}` }) },
    {
      key: 'filter-username',
      title: 'GET /Users?filter=userName eq "..."',
      next: () => ({ method: 'GET', path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${pick(seed.userNames)}"`)}` }),
    },
    { key: 'page-1', title: 'GET /Users?startIndex=1&count=100', next: () => ({ method: 'GET', path: '/scim/v2/Users?startIndex=1&count=100' }) },
    { key: 'page-90001', title: 'GET /Users?startIndex=90001&count=100', next: () => ({ method: 'GET', path: '/scim/v2/Users?startIndex=90001&count=100' }) },
    {
      key: 'page-walk',
      title: 'GET /Users sequential pages of 100 (1, 101, 201, ...)',
      next: (context) => {
        // Each connection walks the whole list page after page, as an IdP's import does.
        context.page ??= Math.floor(Math.random() * (USERS / 100));
        const startIndex = (context.page % (USERS / 100)) * 100 + 1;
        context.page++;
        return { method: 'GET', path: `/scim/v2/Users?startIndex=${startIndex}&count=100` };
      },
    },
    { key: 'get-group-10k-excl', title: 'GET /Groups/{10k members}?excludedAttributes=members', next: () => ({ method: 'GET', path: `/scim/v2/Groups/${seed.bigGroupId}?excludedAttributes=members` }) },
    { key: 'get-group-10-excl', title: 'GET /Groups/{10 members}?excludedAttributes=members', next: () => ({ method: 'GET', path: `/scim/v2/Groups/${seed.smallGroupId}?excludedAttributes=members` }) },
    { key: 'get-user-50-groups', title: 'GET /Users/{id} of a member of 50 groups', next: () => ({ method: 'GET', path: `/scim/v2/Users/${seed.manyGroupsUserId}` }) },
    {
      key: 'post-user',
      title: 'POST /Users',
      next: () => {
        const n = posted++;
        const userName = `bench.${runTag}.${n}@example.com`;
        return {
          method: 'POST',
          path: '/scim/v2/Users',
          body: JSON.stringify({
            schemas: [USER], userName, externalId: `bench-${runTag}-${n}`, active: true,
            name: { givenName: 'Bench', familyName: `User ${n}` }, displayName: `Bench User ${n}`,
            emails: [{ value: userName, type: 'work', primary: true }],
          }),
        };
      },
    },
    {
      key: 'patch-active',
      title: 'PATCH /Users/{id} replace active',
      next: () => ({
        method: 'PATCH',
        path: `/scim/v2/Users/${pick(seed.userIds)}`,
        body: JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: Math.random() < 0.5 } }] }),
      }),
    },
    { key: 'patch-group-10k', title: 'PATCH /Groups/{10k members}?excludedAttributes=members add/remove one', next: memberPatch(seed.bigGroupId, '?excludedAttributes=members') },
    { key: 'patch-group-10', title: 'PATCH /Groups/{10 members}?excludedAttributes=members add/remove one', next: memberPatch(seed.smallGroupId, '?excludedAttributes=members') },
    { key: 'patch-group-10k-full', title: 'PATCH /Groups/{10k members} add/remove one (200 with all 10k members)', next: memberPatch(seed.bigGroupId, ''), connections: [10] },
    { key: 'patch-group-10-full', title: 'PATCH /Groups/{10 members} add/remove one (200 with its 10 members)', next: memberPatch(seed.smallGroupId, ''), connections: [10] },
    // As IdPs send it (no query parameters) under groupPatchResponse "no-content": 204 with ETag.
    { key: 'patch-group-10k-204', title: 'PATCH /Groups/{10k members} add/remove one, groupPatchResponse "no-content" (204)', next: memberPatch(seed.bigGroupId, ''), settings: NO_CONTENT },
    { key: 'patch-group-10-204', title: 'PATCH /Groups/{10 members} add/remove one, groupPatchResponse "no-content" (204)', next: memberPatch(seed.smallGroupId, ''), settings: NO_CONTENT },
  ];
}

interface Measure {
  backend?: Backend;
  scenario: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** Response bytes per second, in MB/s. */
  mbps: number;
}

async function drive(url: string, scenario: Scenario, connections: number, seconds: number): Promise<Measure> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    pipelining: 1,
    headers: { authorization: `Bearer ${SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
    requests: [{ setupRequest: (req: object, context: Context) => ({ ...req, ...scenario.next(context) }) } as unknown as autocannon.Request],
  });
  return {
    scenario: scenario.key,
    connections,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    mbps: result.throughput.average / 1e6,
  };
}

/**
 * The same scenario against several sandbox processes at once (PostgreSQL, 2 processes), the
 * connections split between them, as a load balancer would: requests and bytes add up, the
 * latencies are the slower process's.
 */
async function driveAll(urls: string[], perProcess: Scenario[], connections: number, seconds: number): Promise<Measure> {
  if (urls.length === 1) return drive(urls[0]!, perProcess[0]!, connections, seconds);
  const parts = await Promise.all(urls.map((url, i) => drive(url, perProcess[i]!, Math.max(1, Math.round(connections / urls.length)), seconds)));
  const sum = (f: (m: Measure) => number) => parts.reduce((n, m) => n + f(m), 0);
  return {
    scenario: parts[0]!.scenario,
    connections,
    rps: sum((m) => m.rps),
    p50: Math.max(...parts.map((m) => m.p50)),
    p99: Math.max(...parts.map((m) => m.p99)),
    requests: sum((m) => m.requests),
    non2xx: sum((m) => m.non2xx),
    errors: sum((m) => m.errors),
    mbps: sum((m) => m.mbps),
  };
}

/**
 * autocannon stops sending when its time is up, but a slow server still has the requests already
 * sent to answer: wait until /healthz answers promptly, so no scenario pays for the previous one.
 */
async function settle(baseUrl: string): Promise<void> {
  const deadline = performance.now() + 120_000;
  let prompt = 0;
  while (prompt < 2 && performance.now() < deadline) {
    const t0 = performance.now();
    await fetch(`${baseUrl}/healthz`).then((r) => r.arrayBuffer(), () => undefined);
    prompt = performance.now() - t0 < 20 ? prompt + 1 : 0;
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    nproc: cpus().length,
    cpu: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    // Other work on the machine skews every figure (the ratios less): the 1-minute load average.
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
  };
}

async function main(): Promise<void> {
  const only = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',')) : null;
  const dir = mkdtempSync(join(tmpdir(), 'zi-bench-'));
  const loadBefore = machine().loadAverage;
  const started = performance.now();
  // PostgreSQL as a server is run: fsync on, synchronous_commit off, the durability class of
  // SQLite's synchronous=NORMAL (a process kill loses nothing committed; an OS crash may lose the
  // last moments, never corrupt).
  let postgres: PrivatePostgres | null = null;
  const measures: (Measure & { run: number })[] = [];
  const startups: Record<string, number[]> = {};
  const memory: Record<string, { rssMb: number; peakMb: number }[]> = {};
  const seeds: Record<string, Seeded> = {};
  try {
    let pgLocation: StoreLocation | null = null;
    for (const backend of chosenBackends) {
      let location: StoreLocation;
      if (backend === 'sqlite') location = { databasePath: join(dir, 'bench.db') };
      else {
        postgres ??= await startPrivatePostgres({ durable: true });
        pgLocation ??= { databasePath: '', databaseUrl: (await createPostgresDatabase(postgres.url)).url };
        location = pgLocation;
      }
      const where = location.databaseUrl ? 'a private PostgreSQL' : location.databasePath;
      let seed = seeds[where];
      if (!seed) {
        process.stdout.write(`seeding ${USERS} users, 1,000 groups and a group of 10,000 into ${where} ... `);
        seed = seedDatabase(location, { scimToken: SCIM_TOKEN, adminToken: ADMIN_TOKEN }, USERS);
        seeds[where] = seed;
        process.stdout.write(`${seed.seconds.toFixed(1)} s\n`);
      }
      const processes = backend === 'postgres-2' ? 2 : 1;
      const serverEnv: Record<string, string> = location.databaseUrl ? { DATABASE_URL: location.databaseUrl } : { DATABASE_PATH: location.databasePath };
      (startups[backend] = []), (memory[backend] = []);
      for (let run = 1; run <= RUNS; run++) {
        const sandboxes: Child[] = [];
        for (let i = 0; i < processes; i++) sandboxes.push(await startSandbox({ ...serverEnv, SCIM_TOKEN, ADMIN_TOKEN }));
        const ceiling: Child = await startCeiling(SCIM_TOKEN);
        startups[backend]!.push(sandboxes[0]!.startupMs);
        process.stdout.write(`${BACKEND_TITLES[backend]}, run ${run}/${RUNS}: sandbox started in ${sandboxes[0]!.startupMs.toFixed(0)} ms\n`);
        const first = sandboxes[0]!.baseUrl;
        try {
          const tag = `${Date.now().toString(36)}${backend}r${run}`;
          const lists = sandboxes.map((_, i) => scenarios(seed, `${tag}p${i}`));
          for (const [k, scenario] of lists[0]!.entries()) {
            if (only && !only.has(scenario.key) && scenario.key !== 'ceiling') continue;
            const urls = scenario.ceiling ? [ceiling.baseUrl] : sandboxes.map((s) => s.baseUrl);
            const perProcess = lists.map((l) => l[k]!);
            // Settings are the account's, in the database: one process changes them, every one sees it.
            if (scenario.settings) await setSettings(first, scenario.settings);
            // The ceiling is first and warms a fresh process: it gets a longer warm-up.
            const warmup = scenario.ceiling ? Math.max(WARMUP, 2) : WARMUP;
            if (warmup > 0) await driveAll(urls, perProcess, 10, warmup);
            for (const connections of scenario.connections ?? CONNECTIONS) {
              if (!scenario.ceiling) for (const s of sandboxes) await settle(s.baseUrl);
              const m = await driveAll(urls, perProcess, connections, SECONDS[connections]!);
              measures.push({ ...m, backend, run });
              const flag = m.non2xx || m.errors ? `  (!) ${m.non2xx} non-2xx, ${m.errors} errors` : '';
              process.stdout.write(`  ${scenario.key.padEnd(22)} c=${String(connections).padEnd(3)} ${m.rps.toFixed(0).padStart(6)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms  ${m.mbps.toFixed(1)} MB/s${flag}\n`);
            }
            if (scenario.settings) await setSettings(first, DEFAULT_SETTINGS);
          }
          // RSS after the run: once the load has stopped and the server has settled (V8 gives memory
          // back at its next major GC, which the memory reducer runs about a second after the
          // allocation rate drops); the peak during the run is reported beside it.
          for (const s of sandboxes) await settle(s.baseUrl);
          await new Promise((r) => setTimeout(r, RSS_SETTLE_MS));
          memory[backend]!.push(memoryOf(sandboxes[0]!.child.pid!));
        } finally {
          for (const s of sandboxes) await stop(s);
          await stop(ceiling);
        }
      }
    }
    report(Object.values(seeds)[0]!, measures, startups, memory, (performance.now() - started) / 1000, loadBefore);
  } finally {
    postgres?.stop();
    if (!env.BENCH_KEEP_DB) rmSync(dir, { recursive: true, force: true });
    else process.stdout.write(`database kept in ${dir}\n`);
  }
}

interface Row {
  key: string;
  title: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  ratio: number;
  mbps: number;
  non2xx: number;
  errors: number;
}
interface Target {
  target: string;
  connections: number;
  /** Under the default settings. */
  value: number | null;
  limit: string;
  met: boolean | null;
  /**
   * Under `groupPatchResponse: "no-content"`, for the targets that setting changes; every other
   * scenario is not touched by it (it only shapes a group PATCH's answer): the same figure holds.
   */
  noContent?: { value: number | null; met: boolean | null };
}

/** One backend's medians, ratios and targets. */
function summarise(seed: Seeded, all: (Measure & { run: number })[], startups: number[], memory: { rssMb: number; peakMb: number }[]): { rows: Row[]; targets: Target[] } {
  const measures = all;
  const rows: Row[] = [];
  for (const scenario of scenarios(seed, 'report')) {
    for (const connections of scenario.connections ?? CONNECTIONS) {
      const mine = measures.filter((m) => m.scenario === scenario.key && m.connections === connections);
      if (!mine.length) continue;
      // The ratio is taken per run (to that run's ceiling), then the median of the runs.
      const ratios = mine.map((m) => m.rps / measures.find((c) => c.scenario === 'ceiling' && c.connections === connections && c.run === m.run)!.rps);
      rows.push({
        key: scenario.key,
        title: scenario.title,
        connections,
        rps: median(mine.map((m) => m.rps)),
        p50: median(mine.map((m) => m.p50)),
        p99: median(mine.map((m) => m.p99)),
        ratio: median(ratios),
        mbps: median(mine.map((m) => m.mbps)),
        non2xx: mine.reduce((n, m) => n + m.non2xx, 0),
        errors: mine.reduce((n, m) => n + m.errors, 0),
      });
    }
  }
  const row = (key: string, c: number) => rows.find((r) => r.key === key && r.connections === c);
  const targets: Target[] = [];
  const atLeast = (key: string, min: number, label: string) => {
    for (const c of CONNECTIONS) {
      const r = row(key, c);
      targets.push({ target: label, connections: c, value: r ? r.ratio : null, limit: `>= ${min}`, met: r ? r.ratio >= min : null });
    }
  };
  // "within Nx": the slower scenario's throughput is at least 1/N of the faster one's.
  const ratioOf = (slow: string, fast: string, c: number) => {
    const s = row(slow, c);
    const f = row(fast, c);
    return { ran: Boolean(s || f), value: s && f ? f.rps / s.rps : null };
  };
  const within = (slow: string, fast: string, factor: number, label: string, noContent?: [slow: string, fast: string]) => {
    for (const c of CONNECTIONS) {
      const { ran, value } = ratioOf(slow, fast, c);
      const other = noContent && ratioOf(noContent[0], noContent[1], c);
      if (!ran && !other?.ran) continue; // a scenario run at one connection count only
      const met = (v: number | null) => (v === null ? null : v <= factor);
      targets.push({
        target: label, connections: c, value, limit: `<= ${factor}x`, met: met(value),
        ...(other && { noContent: { value: other.value, met: met(other.value) } }),
      });
    }
  };
  atLeast('get-user', 0.5, 'GET /Users/{id} ratio to ceiling');
  atLeast('filter-username', 0.4, 'userName filter ratio to ceiling');
  atLeast('post-user', 0.1, 'POST /Users ratio to ceiling');
  atLeast('patch-active', 0.1, 'PATCH active ratio to ceiling');
  within('patch-group-10k', 'patch-group-10', 2, 'PATCH 10k-member group vs 10-member group, excludedAttributes=members');
  // As IdPs send it (no query parameters): under the default "resource", and under "no-content".
  within('patch-group-10k-full', 'patch-group-10-full', 2, 'PATCH 10k vs 10 members as IdPs send it (no query parameters)', ['patch-group-10k-204', 'patch-group-10-204']);
  within('get-group-10k-excl', 'get-group-10-excl', 1.5, 'GET excludedAttributes=members 10k vs 10 members');
  within('page-90001', 'page-1', 2, 'startIndex=90001 vs startIndex=1');
  within('page-walk', 'page-1', 2, 'sequential pages (1..100,000) vs startIndex=1');
  const startupMs = startups.length ? median(startups) : null;
  const rssMb = memory.length ? median(memory.map((m) => m.rssMb)) : null;
  targets.push({ target: 'start-up on the 100k database (ms)', connections: 0, value: startupMs, limit: '< 1000', met: startupMs === null ? null : startupMs < 1000 });
  targets.push({ target: `server RSS ${RSS_SETTLE_MS / 1000} s after the run (MB)`, connections: 0, value: rssMb, limit: '< 200', met: rssMb === null ? null : rssMb < 200 });
  const peakMb = memory.length ? median(memory.map((m) => m.peakMb)) : null;
  targets.push({ target: 'server peak RSS during the run (MB), for information', connections: 0, value: peakMb, limit: '(none)', met: null });

  return { rows, targets };
}

function report(
  seed: Seeded,
  measures: (Measure & { backend?: Backend; run: number })[],
  startupsBy: Record<string, number[]>,
  memoryBy: Record<string, { rssMb: number; peakMb: number }[]>,
  seconds: number,
  loadBefore: number,
): void {
  const fmt = (n: number, digits = 0) => n.toFixed(digits);
  const lines: string[] = [];
  const byBackend: Record<string, { rows: Row[]; targets: Target[]; startupMs: number[]; memory: { rssMb: number; peakMb: number }[] }> = {};
  for (const backend of chosenBackends) {
    const startups = startupsBy[backend] ?? [];
    const memory = memoryBy[backend] ?? [];
    const { rows, targets } = summarise(seed, measures.filter((m) => m.backend === backend), startups, memory);
    byBackend[backend] = { rows, targets, startupMs: startups, memory };
    lines.push(
      '',
      `### ${BACKEND_TITLES[backend]}`,
      '',
      `| scenario | conns | req/s | p50 ms | p99 ms | MB/s | ratio to ceiling |`,
      `|---|---:|---:|---:|---:|---:|---:|`,
      ...rows.map((r) => `| ${r.title} | ${r.connections} | ${fmt(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.mbps, 1)} | ${fmt(r.ratio, 2)} |${r.non2xx || r.errors ? ` ${r.non2xx} non-2xx, ${r.errors} errors` : ''}`),
      '',
      `| target | limit | conns | default settings | groupPatchResponse "no-content" | met |`,
      `|---|---|---:|---:|---:|---|`,
      ...targets.map((t) => {
        const value = (v: number | null) => (v === null ? 'n/a' : fmt(v, 2));
        const met = (m: boolean | null) => (m === null ? 'n/a' : m ? 'yes' : 'NO');
        const both = t.noContent ? `default ${met(t.met)}, "no-content" ${met(t.noContent.met)}` : met(t.met);
        return `| ${t.target} | ${t.limit} | ${t.connections || ''} | ${value(t.value)} | ${t.noContent ? value(t.noContent.value) : t.connections ? 'the same' : '—'} | ${both} |`;
      }),
      '',
      `start-up (median of ${startups.length}): ${startups.length ? fmt(median(startups)) : 'n/a'} ms; RSS ${RSS_SETTLE_MS / 1000} s after each run: ${memory.map((m) => `${fmt(m.rssMb)} MB (peak during the run ${fmt(m.peakMb)})`).join(', ')}`,
    );
  }
  if (chosenBackends.length > 1) {
    // Side by side: req/s of each backend, same machine, same run.
    const first = byBackend[chosenBackends[0]!]!;
    lines.push(
      '',
      '### Side by side (req/s, ratio to the ceiling of the same run)',
      '',
      `| scenario | conns | ${chosenBackends.map((b) => BACKEND_TITLES[b]).join(' | ')} |`,
      `|---|---:|${chosenBackends.map(() => '---:').join('|')}|`,
      ...first.rows.map((r) => {
        const cells = chosenBackends.map((b) => {
          const other = byBackend[b]!.rows.find((x) => x.key === r.key && x.connections === r.connections);
          return other ? `${fmt(other.rps)} (${fmt(other.ratio, 2)})` : 'n/a';
        });
        return `| ${r.title} | ${r.connections} | ${cells.join(' | ')} |`;
      }),
    );
  }
  lines.push(
    '',
    `machine: ${JSON.stringify(machine())} (load average ${loadBefore} at the start); ${RUNS} runs, ${SECONDS[10]} s at 10 and ${SECONDS[50]} s at 50 connections a scenario after ${WARMUP} s warm-up; ${fmt(seconds)} s in all`,
  );
  process.stdout.write(lines.join('\n') + '\n');
  const main = byBackend[chosenBackends[0]!]!;
  writeFileSync(RESULTS, JSON.stringify({
    at: new Date().toISOString(),
    machine: { ...machine(), loadAverageAtStart: loadBefore },
    config: { runs: RUNS, secondsAt10: SECONDS[10], secondsAt50: SECONDS[50], warmupSeconds: WARMUP, users: USERS, groups: 1000, bigGroupMembers: 10_000, journal: 'on (as shipped)', backends: chosenBackends },
    seedSeconds: seed.seconds,
    startupMs: main.startupMs,
    memory: main.memory,
    rows: main.rows,
    targets: main.targets,
    backends: byBackend,
    runs: measures,
  }, null, 2) + '\n');
  process.stdout.write(`written ${RESULTS}\n`);
}

await main();
