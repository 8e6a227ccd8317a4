import { fileURLToPath } from 'node:url';
import { runFixture } from '../replay/run-fixture.js';
import { withUniqueNames } from '../replay/unique-names.js';
import { runOf, table, verdictOf, type FixtureRun } from '../replay/report.js';
import { fixtureFiles, readFixture, report } from './replay-command.js';

/** The IdP corpus the sandbox is tested with, shipped in the package (package.json "files"). */
export const CORPUS_DIR = fileURLToPath(new URL('../../test/fixtures/idp/', import.meta.url));

export const IDPS = ['okta', 'entra', 'onelogin'] as const;

export interface CheckOptions {
  baseUrl: string;
  token: string;
  idp?: (typeof IDPS)[number];
  junit?: string;
  json?: boolean;
  out: NodeJS.WritableStream;
  corpus?: string;
}

/** One line per scenario: held, or the first step that failed with what the server said. */
function scenarioTable(runs: FixtureRun[]): string {
  const rows = [['idp', 'scenario', 'steps', 'result']];
  for (const run of runs) {
    const failed = run.outcomes.find((o) => !o.pass);
    const skipped = run.outcomes.filter((o) => o.skipped).map((o) => `step ${o.step}: ${o.skipped}`);
    const passedSteps = run.outcomes.filter((o) => o.pass && o.step !== 'setup').length;
    const result = failed
      ? `FAILED at ${failed.step === 'setup' ? 'setup' : `step ${failed.step}`}: ${failed.request}: expected ${failed.expected}, got ${failed.got}${failed.detail ? ` (${failed.detail})` : ''}`
      : `held${skipped.length ? `; skipped ${skipped.join('; ')}` : ''}`;
    rows.push([run.idp, run.scenario, `${passedSteps}/${run.steps}`, result]);
  }
  return table(rows);
}

/**
 * `zi-scim check`: the built-in IdP corpus against any SCIM server, with no reset and no admin API.
 * Each file's names are made unique first, so the server may hold anything (even an earlier
 * check); what needs the sandbox's admin API or an empty account is skipped and counted.
 */
export async function checkCommand(options: CheckOptions): Promise<number> {
  const stamp = Date.now().toString(36);
  const runs: FixtureRun[] = [];
  const files = fixtureFiles(options.corpus ?? CORPUS_DIR);
  for (const [index, file] of files.entries()) {
    const fixture = readFixture(file);
    if (options.idp && fixture.idp !== options.idp) continue;
    const tag = `-zc${stamp}${index}`;
    const unique = withUniqueNames(fixture, tag);
    runs.push(runOf(fixture, await runFixture(unique, { baseUrl: options.baseUrl, token: options.token, sharedAccountTag: tag, userAgent: 'zi-scim-check' })));
  }
  const held = runs.filter((r) => verdictOf(r) === 'held').length;
  const perIdp = IDPS.map((idp) => {
    const mine = runs.filter((r) => r.idp === idp);
    return mine.length ? `${idp} ${mine.filter((r) => verdictOf(r) === 'held').length}/${mine.length}` : null;
  }).filter(Boolean);
  const footer = `${held} of ${runs.length} scenarios held (${perIdp.join(', ')})\n`;
  return report(runs, options, 'zi-scim check', scenarioTable(runs), footer);
}
