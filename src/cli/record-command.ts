import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Config } from '../config.js';
import type { EventRow } from '../store/events-repository.js';
import { fixtureFromJournal } from '../replay/record.js';
import { withStore, type Target } from './database-commands.js';

export type WindowBound = { eventId: number } | { at: string };

export interface RecordCommandOptions {
  since: WindowBound;
  until?: WindowBound;
  out: string;
  idp?: string;
  scenario?: string;
}

const PAGE = 1000;

const after = (e: EventRow, bound: WindowBound) => ('eventId' in bound ? e.id > bound.eventId : e.at > bound.at);

/**
 * `zi-scim record`: reads the journal straight from the database, like reset and seed, so it needs
 * no running server and no admin token, and sees the window whole (the admin API pages it).
 */
export function recordCommand(config: Config, target: Target, options: RecordCommandOptions): number {
  const events = withStore(config, target, (store) => {
    const found: EventRow[] = [];
    const since = 'eventId' in options.since ? { afterId: options.since.eventId - 1 } : { since: options.since.at };
    for (let offset = 0; ; offset += PAGE) {
      const page = store.events.list({ accountId: target.account, ...since, order: 'oldest', offset, limit: PAGE });
      const inside = options.until ? page.filter((e) => !after(e, options.until!)) : page;
      found.push(...inside);
      if (page.length < PAGE || inside.length < page.length) return found;
    }
  });
  const scenario = options.scenario ?? basename(options.out).replace(/\.json$/i, '');
  const first = events[0]?.id;
  const last = events.at(-1)?.id;
  const fixture = fixtureFromJournal(events, {
    scenario,
    ...(options.idp && { idp: options.idp }),
    source: `zi-scim record: account ${target.account}, journal events ${first ?? '-'} to ${last ?? '-'}`,
  });
  if (fixture.steps.length === 0) {
    process.stderr.write('zi-scim: no SCIM request of an IdP in that window (--since, --until, --account)\n');
    return 1;
  }
  writeFileSync(options.out, JSON.stringify(fixture, null, 2) + '\n');
  const checks = fixture.steps.filter((s) => s.expect.admin).length;
  process.stdout.write(`recorded ${fixture.steps.length} requests (${fixture.idp}) to ${options.out}; ${checks} with an admin view check\n`);
  return 0;
}
