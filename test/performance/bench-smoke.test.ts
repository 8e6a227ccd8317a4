import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// `npm run bench` in small (a second a scenario, the seed at its smallest): the script runs end to
// end against the production build, and reports the targets in one table, the default
// settings and groupPatchResponse "no-content" side by side. Figures are not asserted: they are
// the full benchmark's to print, not a test's.

const dir = mkdtempSync(join(tmpdir(), 'zi-bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the benchmark script', () => {
  it('measures, prints the targets table with both settings, and writes its results', async () => {
    const results = join(dir, 'results.json');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/bench.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        BENCH_RUNS: '1', BENCH_SECONDS_10: '1', BENCH_SECONDS_50: '1', BENCH_WARMUP: '0', BENCH_USERS: '70000',
        BENCH_ONLY: 'get-user,patch-group-10k-full,patch-group-10-full,patch-group-10k-204,patch-group-10-204',
        BENCH_RESULTS: results,
      },
      maxBuffer: 10 * 1024 * 1024,
    });
    expect(stdout).toContain('| target | limit | conns | default settings | groupPatchResponse "no-content" | met |');
    const memberRow = stdout.split('\n').find((line) => line.startsWith('| PATCH 10k vs 10 members as IdPs send it') && line.includes('| 10 |'));
    expect(memberRow).toMatch(/\| \d+\.\d\d \| \d+\.\d\d \| default (yes|NO), "no-content" (yes|NO) \|$/);
    const written = JSON.parse(readFileSync(results, 'utf8')) as { rows: { key: string; rps: number; non2xx: number; errors: number }[]; targets: { target: string; noContent?: { value: number } }[] };
    for (const key of ['ceiling', 'get-user', 'patch-group-10k-full', 'patch-group-10k-204']) {
      const row = written.rows.find((r) => r.key === key);
      expect(row, key).toBeDefined();
      expect(row!.rps).toBeGreaterThan(0);
      expect(row!.non2xx + row!.errors).toBe(0);
    }
    expect(written.targets.find((t) => t.target.startsWith('PATCH 10k vs 10 members as IdPs send it'))?.noContent?.value).toBeGreaterThan(0);
  }, 120_000);
});
