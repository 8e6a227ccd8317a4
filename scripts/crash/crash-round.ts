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
interface Ledger {
  users: Map<string, { userName: string; titles: string[]; ackedTitle: number }>;
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
    const acked = structuredClone({ users: [...ledger.users.entries()], members: [...ledger.members] });
    first.child.kill('SIGKILL');
    stop.now = true;
    await first.exited;
    await Promise.allSettled(workers);

    const second = await startServer(env);
    const lost: string[] = [];
    for (const [id, entry] of acked.users) {
      const got = await scim(second.baseUrl, 'GET', `/Users/${id}`);
      if (got.status !== 200) lost.push(`user ${entry.userName}: ${got.status}`);
      else if (entry.titles.indexOf(got.json.title) < entry.ackedTitle) lost.push(`user ${entry.userName}: title ${got.json.title}, acknowledged t${entry.ackedTitle}`);
    }
    const members = await scim(second.baseUrl, 'GET', `/Groups/${group.json.id}`);
    const present = new Set<string>((members.json?.members ?? []).map((m: { value: string }) => m.value));
    for (const id of acked.members) if (!present.has(id)) lost.push(`member ${id} of the group`);
    second.child.kill('SIGTERM');
    await second.exited;

    const db = new Database(env.DATABASE_PATH, { readonly: true });
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    db.close();
    const acknowledged = acked.users.reduce((n, [, e]) => n + 1 + e.ackedTitle, 1) + acked.members.length;
    return { round, killedAfterMs, acknowledged, lost, integrity };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
