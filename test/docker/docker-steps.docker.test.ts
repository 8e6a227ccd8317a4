import { fileURLToPath } from 'node:url';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyParts, envPairs, readDockerfile } from './dockerfile.js';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const stages = readDockerfile(join(REPO, 'docker/Dockerfile'));
const work = mkdtempSync(join(tmpdir(), 'zi-docker-steps-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// System packages come from the base image's apt; this machine has the same build tools already.
const isSystemStep = (command: string) => /^apt-get\b/.test(command.trim());

/**
 * Replays docker/Dockerfile without an engine: each stage is a folder standing for the image's
 * WORKDIR, COPY copies from a clean copy of the repository (or an earlier stage), RUN runs there,
 * and the final stage is started with the file's ENV and CMD, exactly as the image would.
 */
function buildStages(): { root: string; env: Record<string, string>; cmd: string[] } {
  const context = join(work, 'context');
  // A clean copy: the committed tree, as a fresh clone has it (no node_modules, no dist, no edits).
  mkdirSync(context, { recursive: true });
  const archive = spawnSync('sh', ['-c', `git archive HEAD | tar -x -C "${context}"`], { cwd: REPO, encoding: 'utf8' });
  if (archive.status !== 0) throw new Error(`git archive failed: ${archive.stderr}`);
  const roots = new Map<string, string>();
  let env: Record<string, string> = {};
  let cmd: string[] = [];
  for (const stage of stages) {
    const root = join(work, stage.name);
    mkdirSync(root, { recursive: true });
    roots.set(stage.name, root);
    env = {};
    for (const { keyword, args } of stage.instructions) {
      if (keyword === 'ENV') Object.assign(env, envPairs(args));
      if (keyword === 'CMD') cmd = JSON.parse(args) as string[];
      if (keyword === 'COPY') {
        const { from, sources, dest } = copyParts(args);
        const fromRoot = from ? roots.get(from)! : context;
        for (const source of sources) {
          const src = join(fromRoot, source.replace(/^\/app\/?/, ''));
          const target = dest.endsWith('/') || sources.length > 1 ? join(root, dest, source.split('/').pop()!) : join(root, dest);
          cpSync(src, target, { recursive: true });
        }
      }
      if (keyword === 'RUN') {
        for (const command of args.split('&&').map((c) => c.trim())) {
          if (isSystemStep(command) || command.startsWith('rm -rf /var/lib/apt') || command.includes('/data')) continue;
          const run = spawnSync('sh', ['-c', command], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env, CI: 'true' }, timeout: 600_000 });
          if (run.status !== 0) throw new Error(`RUN ${command} failed:\n${run.stdout}\n${run.stderr}`);
        }
      }
    }
  }
  return { root: roots.get(stages.at(-1)!.name)!, env, cmd };
}

describe('docker/Dockerfile, replayed without an engine', () => {
  it('is multi-stage, non-root, with a /data volume, a HEALTHCHECK on /healthz and an exec-form CMD', () => {
    const final = stages.at(-1)!;
    const has = (keyword: string, pattern: RegExp) => final.instructions.some((i) => i.keyword === keyword && pattern.test(i.args));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.every((s) => /^node:20-/.test(s.base))).toBe(true);
    expect(has('USER', /^node$/)).toBe(true);
    expect(has('VOLUME', /\/data/)).toBe(true);
    expect(has('ENV', /HOST=0\.0\.0\.0/)).toBe(true);
    expect(has('HEALTHCHECK', /\/healthz/)).toBe(true);
    expect(has('CMD', /^\[/)).toBe(true); // exec form: no shell swallowing SIGTERM
    expect(final.instructions.some((i) => i.keyword === 'RUN' && /npm (ci|install)/.test(i.args))).toBe(false);
  });

  it('builds, starts with the image command, answers /healthz and stops on SIGTERM within 5 s', async () => {
    const { root, env, cmd } = buildStages();
    expect(existsSync(join(root, 'node_modules/better-sqlite3'))).toBe(true);
    expect(existsSync(join(root, 'node_modules/typescript'))).toBe(false); // production dependencies only
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const child = spawn(cmd[0] === 'node' ? process.execPath : cmd[0]!, cmd.slice(1), {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env, PORT: port, DATABASE_PATH: join(work, 'data', 'sandbox.db'), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      let health: Response | undefined;
      for (let i = 0; i < 100 && !health; i++) {
        health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (!health) await new Promise((r) => setTimeout(r, 100));
      }
      expect(health?.status, output).toBe(200);
      expect(await health!.json()).toEqual({ status: 'ok' });
      expect(output).toMatch(/SCIM token: /); // generated and printed once on first start
      const started = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      child.kill('SIGKILL');
    }
  }, 900_000);
});
