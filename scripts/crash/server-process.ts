import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const SERVER = fileURLToPath(new URL('../../dist/server.js', import.meta.url));

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

export interface RunningServer {
  child: ChildProcess;
  baseUrl: string;
  /** Milliseconds from spawn until the first good answer on the readiness URL. */
  startupMs: number;
  exited: Promise<number | null>;
}

/**
 * Spawns a Node server process on 127.0.0.1 and polls `ready` every 5 ms until it answers: the
 * start-up time is spawn to first good answer (Node's own start included). Shared by the crash
 * test and the benchmark.
 */
export async function spawnServer(args: string[], env: Record<string, string>, ready: (baseUrl: string) => Promise<boolean>): Promise<RunningServer> {
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
export const startServer = (env: Record<string, string>): Promise<RunningServer> =>
  spawnServer([SERVER], env, async (base) => (await fetch(`${base}/healthz`)).ok);
