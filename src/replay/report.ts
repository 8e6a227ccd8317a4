import type { Fixture } from './fixture.js';
import type { StepOutcome } from './run-fixture.js';

/** One fixture file's run: what was sent and what came back, step by step (it stops at the first failure). */
export interface FixtureRun {
  idp: string;
  scenario: string;
  /** The step count of the file, so the steps a failure left unsent are reported too. */
  steps: number;
  outcomes: StepOutcome[];
}

export const runOf = (fixture: Fixture, outcomes: StepOutcome[]): FixtureRun => ({ idp: fixture.idp, scenario: fixture.scenario, steps: fixture.steps.length, outcomes });

export type Verdict = 'held' | 'failed';

/** A scenario held when every step passed (a check skipped is counted, not failed). */
export const verdictOf = (run: FixtureRun): Verdict => (run.outcomes.some((o) => !o.pass) ? 'failed' : 'held');

export interface Totals {
  passed: number;
  failed: number;
  skipped: number;
  notRun: number;
}

export function totalsOf(runs: FixtureRun[]): Totals {
  const all = runs.flatMap((r) => r.outcomes);
  const ran = runs.reduce((n, r) => n + r.outcomes.filter((o) => o.step !== 'setup').length, 0);
  const steps = runs.reduce((n, r) => n + r.steps, 0);
  return {
    passed: all.filter((o) => o.pass).length,
    failed: all.filter((o) => !o.pass).length,
    skipped: all.filter((o) => o.pass && o.skipped).length,
    notRun: Math.max(0, steps - ran),
  };
}

/** Columns cut at 70 characters, except the last (the result, with the server's reason): never cut. */
export function table(rows: string[][]): string {
  const last = rows[0]!.length - 1;
  const widths = rows[0]!.map((_, i) => Math.min(70, Math.max(...rows.map((r) => r[i]!.length))));
  const fit = (cell: string, i: number) => (i === last ? cell : cell.length > widths[i]! ? cell.slice(0, widths[i]! - 1) + '…' : cell.padEnd(widths[i]!));
  return rows.map((r) => r.map(fit).join('  ').trimEnd()).join('\n');
}

export const resultText = (o: StepOutcome): string => (!o.pass ? `FAIL ${o.detail ?? ''}` : o.skipped ? `pass (skipped: ${o.skipped})` : 'pass');

/** The step-by-step table of `zi-scim replay`. */
export function stepTable(runs: FixtureRun[]): string {
  const rows = [['scenario', 'step', 'request', 'expected', 'got', 'result']];
  for (const o of runs.flatMap((r) => r.outcomes)) rows.push([o.scenario, o.step, o.request, o.expected, o.got, resultText(o)]);
  return table(rows);
}

const xml = (text: string) =>
  // XML 1.0 has no place for most control characters, even escaped: they are dropped.
  text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * JUnit XML as CI systems read it: a testsuite per scenario, a testcase per step (the setup
 * included when it failed). A failure's message holds the status and the server's SCIM detail;
 * the steps after a failure are `skipped`, as is a step with a check that could not run here.
 */
export function junitXml(runs: FixtureRun[], suiteName: string): string {
  const totals = totalsOf(runs);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(suiteName)}" tests="${totals.passed + totals.failed + totals.notRun}" failures="${totals.failed}" skipped="${totals.skipped + totals.notRun}">`,
  ];
  for (const run of runs) {
    const failures = run.outcomes.filter((o) => !o.pass).length;
    const ran = run.outcomes.filter((o) => o.step !== 'setup').length;
    const notRun = Math.max(0, run.steps - ran);
    const skipped = run.outcomes.filter((o) => o.pass && o.skipped).length + notRun;
    lines.push(`  <testsuite name="${xml(`${run.idp}/${run.scenario}`)}" tests="${run.outcomes.length + notRun}" failures="${failures}" skipped="${skipped}">`);
    for (const o of run.outcomes) {
      const open = `    <testcase classname="${xml(`${run.idp}.${run.scenario}`)}" name="${xml(`step ${o.step}: ${o.request}`)}"`;
      if (!o.pass) {
        const message = `expected ${o.expected}, got ${o.got}${o.detail ? `: ${o.detail}` : ''}`;
        lines.push(`${open}>`, `      <failure message="${xml(message)}">${xml(message)}</failure>`, '    </testcase>');
      } else if (o.skipped) lines.push(`${open}>`, `      <skipped message="${xml(`skipped: ${o.skipped}`)}"/>`, '    </testcase>');
      else lines.push(`${open}/>`);
    }
    for (let step = ran + 1; step <= run.steps; step++) {
      lines.push(`    <testcase classname="${xml(`${run.idp}.${run.scenario}`)}" name="step ${step}">`, '      <skipped message="not run: an earlier step failed"/>', '    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

/** The machine-readable report of `--json`. */
export function jsonReport(runs: FixtureRun[]): string {
  const scenarios = runs.map((run) => ({ idp: run.idp, scenario: run.scenario, result: verdictOf(run), steps: run.outcomes }));
  return JSON.stringify({ ...totalsOf(runs), ok: runs.every((r) => verdictOf(r) === 'held'), scenarios }, null, 2) + '\n';
}
