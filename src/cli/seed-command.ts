import type { Config } from '../config.js';
import { seedSyntheticData } from './synthetic-data.js';
import { withStore, type Target } from './database-commands.js';

export interface SeedOptions {
  users: number;
  groups: number;
  membersPerGroup: number;
  progress: NodeJS.WriteStream | NodeJS.WritableStream;
}

function progressBar(out: SeedOptions['progress']) {
  const tty = 'isTTY' in out && out.isTTY;
  let last = -1;
  return (done: number, total: number) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct === last) return;
    last = pct;
    const bar = '#'.repeat(Math.floor(pct / 5)).padEnd(20, '.');
    // On a terminal the bar redraws in place; in a log it prints every 10 %.
    if (tty) out.write(`\rseeding [${bar}] ${pct}% (${done}/${total})${done === total ? '\n' : ''}`);
    else if (pct % 10 === 0) out.write(`seeding [${bar}] ${pct}% (${done}/${total})\n`);
  };
}

export function seedCommand(config: Config, target: Target, options: SeedOptions): number {
  const started = Date.now();
  const { userIds, groupIds } = withStore(config, target, (store) =>
    seedSyntheticData(store, target.account, { ...options, onProgress: progressBar(options.progress) }),
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`seeded ${userIds.length} users and ${groupIds.length} groups in ${seconds} s into account ${target.account}\n`);
  return 0;
}
