import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fixture } from '../replay/fixture.js';
import { adminUrlOf, runFixture, type StepOutcome } from '../replay/run-fixture.js';
import { send } from '../replay/http-client.js';
import { jsonReport, junitXml, runOf, stepTable, totalsOf, type FixtureRun } from '../replay/report.js';

export interface ReplayOptions {
  target: string;
  baseUrl: string;
  token: string;
  /** With the sandbox's admin token, each file starts from a reset account (as the fixtures assume). */
  resetWithAdminToken?: string;
  /** The sandbox's admin token for the `expect.admin` checks (a recording's outcomes); implied by the reset's. */
  adminToken?: string;
  junit?: string;
  /** The report as JSON on stdout instead of the table. */
  json?: boolean;
  out: NodeJS.WritableStream;
}

export function fixtureFiles(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(target, f));
}

export const readFixture = (file: string): Fixture => JSON.parse(readFileSync(file, 'utf8')) as Fixture;

/** One line on the commonest cause of the failures seen, when there is one. */
function hint(failures: StepOutcome[], reset: boolean): string {
  if (failures.length === 0) return '';
  if (failures.every((f) => f.got === '401')) return 'hint: every failure is a 401: the server refused --token (is it this base URL\'s SCIM token?)\n';
  if (reset) return '';
  const conflicts = failures.filter((f) => f.got === '409').length;
  const why = conflicts > 0 ? `${conflicts} of the failures answered 409: the server already holds resources the fixtures create` : 'the fixtures assume an empty account';
  return `hint: ${why}; against the sandbox, add --reset-admin-token <ADMIN_TOKEN> so each file starts from a reset account\n`;
}

/** Writes the report the options ask for (table or JSON, and JUnit XML); exit code 1 on any failure. */
export function report(runs: FixtureRun[], options: Pick<ReplayOptions, 'junit' | 'json' | 'out'>, suite: string, table: string, footer: string): number {
  const totals = totalsOf(runs);
  if (options.junit) writeFileSync(options.junit, junitXml(runs, suite));
  if (options.json) options.out.write(jsonReport(runs));
  else {
    const skipped = totals.skipped > 0 ? `, ${totals.skipped} with a check skipped` : '';
    options.out.write(`${table}\n\n${totals.passed} passed, ${totals.failed} failed${skipped}\n${footer}`);
  }
  return totals.failed === 0 ? 0 : 1;
}

/** `zi-scim replay`: sends recorded IdP sequences to any SCIM server; exit code 1 on any failure. */
export async function replayCommand(options: ReplayOptions): Promise<number> {
  const runs: FixtureRun[] = [];
  const adminToken = options.adminToken ?? options.resetWithAdminToken;
  for (const file of fixtureFiles(options.target)) {
    const fixture = readFixture(file);
    if (options.resetWithAdminToken) {
      const url = adminUrlOf(options.baseUrl, '/reset');
      const answer = await send(url, 'POST', { authorization: `Bearer ${options.resetWithAdminToken}` }, undefined);
      if (answer.status !== 200) {
        const message = (answer.json as { message?: unknown } | undefined)?.message;
        throw new Error(`the reset before ${fixture.scenario} (POST ${url}) answered ${answer.status}${typeof message === 'string' ? `: ${message}` : ''}`);
      }
    }
    runs.push(runOf(fixture, await runFixture(fixture, { baseUrl: options.baseUrl, token: options.token, ...(adminToken && { adminToken }) })));
  }
  const failures = runs.flatMap((r) => r.outcomes).filter((o) => !o.pass);
  return report(runs, options, 'zi-scim replay', stepTable(runs), hint(failures, Boolean(options.resetWithAdminToken)));
}
