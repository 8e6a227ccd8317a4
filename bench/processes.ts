import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SERVER, freePort } from '../scripts/crash/server-process.js';

export const CEILING = fileURLToPath(new URL('./ceiling-server.ts', import.meta.url));

export interface Child {
  child: ChildProcess;
  baseUrl: string;
  /** Milliseconds from spawn until the first good answer on the readiness URL. */
  startupMs: number;
  exited: Promise<number | null>;
}

/**
 * Spawns a server process on 127.0.0.1 and polls `ready` every 5 ms until it answers 2xx: the
 * start-up time is spawn to first good answer (Node's own start included).
 */
async function spawnServer(args: string[], env: Record<string, string>, ready: (baseUrl: string) => Promise<boolean>): Promise<Child> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = started + 30_000;
  while (performance.now() < deadline && child.exitCode === null) {
    if (await ready(baseUrl).catch(() => false)) return { child, baseUrl, startupMs: performance.now() - started, exited };
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGKILL');
  throw new Error(`${args.join(' ')} did not become ready: ${stderr.slice(0, 500)}`);
}

/** The production build (dist/server.js), ready when /healthz answers. */
export const startSandbox = (env: Record<string, string>) =>
  spawnServer([SERVER], env, async (base) => (await fetch(`${base}/healthz`)).ok);

/** The bare Fastify ceiling, ready when its one route answers. */
export const startCeiling = (token: string) =>
  spawnServer(['--import', 'tsx', CEILING], { SCIM_TOKEN: token }, async (base) =>
    (await fetch(`${base}/scim/v2/Users/x`, { headers: { authorization: `Bearer ${token}` } })).ok);

/** SIGTERM (graceful: the sandbox finishes in-flight requests and closes the database) and wait. */
export async function stop(server: Child): Promise<void> {
  if (server.child.exitCode !== null) return;
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
  await server.exited;
  clearTimeout(timer);
}

/** Resident and peak resident memory of a process, in MB, from /proc (Linux). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}
