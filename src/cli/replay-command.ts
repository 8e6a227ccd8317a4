import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Fixture } from '../replay/fixture.js';
import { runFixture, type StepOutcome } from '../replay/run-fixture.js';
import { send } from '../replay/http-client.js';

export interface ReplayOptions {
  target: string;
  baseUrl: string;
  token: string;
  /** With the sandbox's admin token, each file starts from a reset account (as the fixtures assume). */
  resetWithAdminToken?: string;
  out: NodeJS.WritableStream;
}

function fixtureFiles(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(target, f));
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.min(70, Math.max(...rows.map((r) => r[i]!.length))));
  const fit = (cell: string, w: number) => (cell.length > w ? cell.slice(0, w - 1) + '…' : cell.padEnd(w));
  return rows.map((r) => r.map((c, i) => fit(c, widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** `zi-scim replay`: sends recorded IdP sequences to any SCIM server; exit code 1 on any failure. */
export async function replayCommand(options: ReplayOptions): Promise<number> {
  const outcomes: StepOutcome[] = [];
  for (const file of fixtureFiles(options.target)) {
    const fixture = JSON.parse(readFileSync(file, 'utf8')) as Fixture;
    if (options.resetWithAdminToken) {
      const adminBase = options.baseUrl.replace(/\/scim\/v2\/?$/, '') + '/admin/api/reset';
      const answer = await send(adminBase, 'POST', { authorization: `Bearer ${options.resetWithAdminToken}` }, undefined);
      if (answer.status !== 200) throw new Error(`reset before ${fixture.scenario} answered ${answer.status}`);
    }
    outcomes.push(...(await runFixture(fixture, { baseUrl: options.baseUrl, token: options.token })));
  }
  const rows = [['scenario', 'step', 'request', 'expected', 'got', 'result']];
  for (const o of outcomes) rows.push([o.scenario, o.step, o.request, o.expected, o.got, o.pass ? 'pass' : `FAIL ${o.detail ?? ''}`]);
  const failed = outcomes.filter((o) => !o.pass).length;
  options.out.write(`${table(rows)}\n\n${outcomes.length - failed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}
