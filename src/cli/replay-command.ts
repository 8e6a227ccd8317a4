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

/** Columns cut at 70 characters, except the last (the result, with the server's reason): never cut. */
function table(rows: string[][]): string {
  const last = rows[0]!.length - 1;
  const widths = rows[0]!.map((_, i) => Math.min(70, Math.max(...rows.map((r) => r[i]!.length))));
  const fit = (cell: string, i: number) => (i === last ? cell : cell.length > widths[i]! ? cell.slice(0, widths[i]! - 1) + '…' : cell.padEnd(widths[i]!));
  return rows.map((r) => r.map(fit).join('  ').trimEnd()).join('\n');
}

/**
 * The sandbox's reset for a SCIM base URL: /scim/v2 is the default account's,
 * /accounts/<id>/scim/v2 another account's (PRODUCT.md §7).
 */
export function resetUrlOf(baseUrl: string): string {
  const match = /^(.*?)(?:\/accounts\/([^/?#]+))?\/scim\/v2\/?$/.exec(baseUrl);
  if (!match) return `${baseUrl.replace(/\/+$/, '')}/admin/api/reset`;
  return `${match[1]}/admin/api/reset${match[2] ? `?account=${match[2]}` : ''}`;
}

/** One line on the commonest cause of the failures seen, when there is one. */
function hint(failures: StepOutcome[], reset: boolean): string {
  if (failures.length === 0) return '';
  if (failures.every((f) => f.got === '401')) return 'hint: every failure is a 401: the server refused --token (is it this base URL\'s SCIM token?)\n';
  if (reset) return '';
  const conflicts = failures.filter((f) => f.got === '409').length;
  const why = conflicts > 0 ? `${conflicts} of the failures answered 409: the server already holds resources the fixtures create` : 'the fixtures assume an empty account';
  return `hint: ${why}; against the sandbox, add --reset-admin-token <ADMIN_TOKEN> so each file starts from a reset account\n`;
}

/** `zi-scim replay`: sends recorded IdP sequences to any SCIM server; exit code 1 on any failure. */
export async function replayCommand(options: ReplayOptions): Promise<number> {
  const outcomes: StepOutcome[] = [];
  for (const file of fixtureFiles(options.target)) {
    const fixture = JSON.parse(readFileSync(file, 'utf8')) as Fixture;
    if (options.resetWithAdminToken) {
      const url = resetUrlOf(options.baseUrl);
      const answer = await send(url, 'POST', { authorization: `Bearer ${options.resetWithAdminToken}` }, undefined);
      if (answer.status !== 200) {
        const message = (answer.json as { message?: unknown } | undefined)?.message;
        throw new Error(`the reset before ${fixture.scenario} (POST ${url}) answered ${answer.status}${typeof message === 'string' ? `: ${message}` : ''}`);
      }
    }
    outcomes.push(...(await runFixture(fixture, { baseUrl: options.baseUrl, token: options.token })));
  }
  const rows = [['scenario', 'step', 'request', 'expected', 'got', 'result']];
  for (const o of outcomes) rows.push([o.scenario, o.step, o.request, o.expected, o.got, o.pass ? 'pass' : `FAIL ${o.detail ?? ''}`]);
  const failures = outcomes.filter((o) => !o.pass);
  const failed = failures.length;
  options.out.write(`${table(rows)}\n\n${outcomes.length - failed} passed, ${failed} failed\n${hint(failures, Boolean(options.resetWithAdminToken))}`);
  return failed === 0 ? 0 : 1;
}
