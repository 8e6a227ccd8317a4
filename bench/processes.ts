import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnServer, startServer, type RunningServer } from '../scripts/crash/server-process.js';

export const CEILING = fileURLToPath(new URL('./ceiling-server.ts', import.meta.url));

export type Child = RunningServer;

/** The production build (dist/server.js), ready when /healthz answers. */
export const startSandbox = startServer;

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
