import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startServer } from './server-process.js';

const SCIM_TOKEN = 'crash-test-scim-token-000000';
const ADMIN_TOKEN = 'crash-test-admin-token-00000';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** What a worker was told was done (2xx), and what it attempted last without an answer. */
interface LedgerUser {
  userName: string;
  titles: string[];
  ackedTitle: number;
}

interface Ledger {
  users: Map<string, LedgerUser>;
  members: Set<string>;
  acknowledged: number;
}

export interface RoundResult {
  round: number;
  killedAfterMs: number;
  acknowledged: number;
  lost: string[];
  integrity: string;
}

async function scim(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${baseUrl}/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${SCIM_TOKEN}`, ...(body !== undefined && { 'content-type': 'application/scim+json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** One worker: creates users, retitles them, and adds them to the shared group, until the kill. */
async function worker(baseUrl: string, id: number, groupId: string, ledger: Ledger, stop: { now: boolean }): Promise<void> {
  for (let n = 0; !stop.now; n++) {
    try {
      const userName = `w${id}.u${n}@crash.test`;
      const created = await scim(baseUrl, 'POST', '/Users', { schemas: [USER], userName, title: 't0' });
      if (created.status !== 201) continue;
      const entry = { userName, titles: ['t0'], ackedTitle: 0 };
      ledger.users.set(created.json.id, entry);
      ledger.acknowledged++;
      for (let k = 1; k <= 3 && !stop.now; k++) {
        entry.titles.push(`t${k}`);
        const patched = await scim(baseUrl, 'PATCH', `/Users/${created.json.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: `t${k}` }] });
        if (patched.status !== 200) break;
        entry.ackedTitle = k;
        ledger.acknowledged++;
      }
      const added = await scim(baseUrl, 'PATCH', `/Groups/${groupId}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: created.json.id }] }] });
      if (added.status === 200) {
        ledger.members.add(created.json.id);
        ledger.acknowledged++;
      }
    } catch {
      return; // the server died under us: that is the point
    }
  }
}

/** Every write the ledger says was acknowledged, checked on `baseUrl`: what is missing or older. */
async function verify(baseUrl: string, acked: { users: [string, LedgerUser][]; members: string[] }, groupId: string): Promise<string[]> {
  const lost: string[] = [];
  for (const [id, entry] of acked.users) {
    const got = await scim(baseUrl, 'GET', `/Users/${id}`);
    if (got.status !== 200) lost.push(`user ${entry.userName}: ${got.status}`);
    else if (entry.titles.indexOf(got.json.title) < entry.ackedTitle) lost.push(`user ${entry.userName}: title ${got.json.title}, acknowledged t${entry.ackedTitle}`);
  }
  const members = await scim(baseUrl, 'GET', `/Groups/${groupId}`);
  const present = new Set<string>((members.json?.members ?? []).map((m: { value: string }) => m.value));
  for (const id of acked.members) if (!present.has(id)) lost.push(`member ${id} of the group`);
  return lost;
}

const snapshot = (ledger: Ledger) => structuredClone({ users: [...ledger.users.entries()], members: [...ledger.members] });
const countAcked = (acked: ReturnType<typeof snapshot>) => acked.users.reduce((n, [, e]) => n + 1 + e.ackedTitle, 1) + acked.members.length;

/**
 * One crash round: start the production server on a file database, drive concurrent writes, kill
 * it with SIGKILL at a random moment, restart it, and check that every acknowledged write is there
 * exactly as acknowledged (a write in flight at the kill may or may not have landed) and that
 * SQLite's integrity check passes.
 */
export async function crashRound(round: number, options: { workers: number; maxKillMs: number }): Promise<RoundResult> {
  const dir = mkdtempSync(join(tmpdir(), 'zi-crash-'));
  const env = { DATABASE_PATH: join(dir, 'sandbox.db'), SCIM_TOKEN, ADMIN_TOKEN };
  try {
    const first = await startServer(env);
    const group = await scim(first.baseUrl, 'POST', '/Groups', { schemas: [GROUP], displayName: `crash ${round}` });
    const ledger: Ledger = { users: new Map(), members: new Set(), acknowledged: 1 };
    const stop = { now: false };
    const workers = Array.from({ length: options.workers }, (_, i) => worker(first.baseUrl, i, group.json.id, ledger, stop));
    const killedAfterMs = 100 + Math.floor(Math.random() * options.maxKillMs);
    await new Promise((r) => setTimeout(r, killedAfterMs));
    // Freeze the ledger at the moment of the kill: answers still in flight were never acknowledged.
    const acked = snapshot(ledger);
    first.child.kill('SIGKILL');
    stop.now = true;
    await first.exited;
    await Promise.allSettled(workers);

    const second = await startServer(env);
    const lost = await verify(second.baseUrl, acked, group.json.id);
    second.child.kill('SIGTERM');
    await second.exited;

    const db = new Database(env.DATABASE_PATH, { readonly: true });
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    db.close();
    return { round, killedAfterMs, acknowledged: countAcked(acked), lost, integrity };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ReplicaRoundResult extends RoundResult {
  /** Writes the surviving process acknowledged after the other one was killed. */
  acknowledgedAfterKill: number;
}

/**
 * The same on PostgreSQL (PRODUCT.md §8.5): two processes serve one database, the workers split
 * between them; one is killed with SIGKILL at a random moment while the other keeps serving for
 * `afterKillMs` more. Every write either process acknowledged must then be there, read through the
 * survivor, and the survivor must have gone on acknowledging writes. `databaseUrl` names an empty
 * database of the round's own.
 */
export async function replicaCrashRound(
  round: number,
  databaseUrl: string,
  options: { workers: number; maxKillMs: number; afterKillMs: number },
): Promise<ReplicaRoundResult> {
  const env = { DATABASE_URL: databaseUrl, SCIM_TOKEN, ADMIN_TOKEN };
  // One starts (and migrates) first: the second finds the schema, as a replica set's second pod does.
  const doomed = await startServer(env);
  const survivor = await startServer(env);
  try {
    const group = await scim(survivor.baseUrl, 'POST', '/Groups', { schemas: [GROUP], displayName: `crash ${round}` });
    const ledger: Ledger = { users: new Map(), members: new Set(), acknowledged: 1 };
    const stopDoomed = { now: false };
    const stopSurvivor = { now: false };
    const workers = Array.from({ length: options.workers }, (_, i) =>
      i % 2 === 0 ? worker(doomed.baseUrl, i, group.json.id, ledger, stopDoomed) : worker(survivor.baseUrl, i, group.json.id, ledger, stopSurvivor),
    );
    const killedAfterMs = 100 + Math.floor(Math.random() * options.maxKillMs);
    await new Promise((r) => setTimeout(r, killedAfterMs));
    const atKill = ledger.acknowledged;
    doomed.child.kill('SIGKILL');
    stopDoomed.now = true;
    await doomed.exited;
    await new Promise((r) => setTimeout(r, options.afterKillMs));
    const acked = snapshot(ledger);
    const acknowledgedAfterKill = ledger.acknowledged - atKill;
    stopSurvivor.now = true;
    await Promise.allSettled(workers);

    const lost = await verify(survivor.baseUrl, acked, group.json.id);
    const health = await fetch(`${survivor.baseUrl}/healthz`);
    return { round, killedAfterMs, acknowledged: countAcked(acked), lost, integrity: health.ok ? 'ok' : `healthz ${health.status}`, acknowledgedAfterKill };
  } finally {
    doomed.child.kill('SIGKILL');
    survivor.child.kill('SIGTERM');
    await Promise.allSettled([doomed.exited, survivor.exited]);
  }
}
