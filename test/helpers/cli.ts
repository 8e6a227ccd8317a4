import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const SERVER = fileURLToPath(new URL('../../dist/server.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  /** For a server: once stdout matches, it is sent SIGTERM (and its exit code is the result's). */
  until?: RegExp;
}

/** Runs a built script of dist/ (or a copy of it) with node; only PATH comes from this process's environment. */
export function runNode(script: string, args: string[], options: RunOptions = {}): Promise<CliResult> {
  if (!existsSync(script)) throw new Error(`${script} is missing: run "npm run build" (npm test does it for you)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let stopped = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // Once: a second SIGTERM would find the server's handler gone and kill it outright.
      if (!stopped && options.until?.test(stdout)) {
        stopped = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs the built zi-scim binary (npm test builds it first, in its pretest step). */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliResult> {
  return runNode(CLI, args, { env, timeoutMs });
}
