#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, configKeys, loadConfig } from '../config.js';
import { StartupError } from '../startup-error.js';

// Each command loads only what it needs, so `--help` and `replay` start fast.
const server = () => import('../server.js');
const databaseCommands = () => import('./database-commands.js');

/** Flags as indented lines of at most ~100 characters. */
const wrap = (words: string[]): string =>
  words.reduce<string[]>((lines, word) => {
    const last = lines.at(-1);
    if (last !== undefined && last.length + word.length < 100) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(`  ${word}`);
    return lines;
  }, []).join('\n');

const DATABASE_NOTE = `The database is --database-path (or DATABASE_PATH, default ./data/sandbox.db, relative to
the current folder); its path is printed. A file that does not exist is refused (exit 2) unless
--create is given. --database-url (or DATABASE_URL, postgres://...) names a PostgreSQL database
instead, as the server's.`;

const HELP: Record<string, string> = {
  main: `zi-scim: a local stand-in for ZoomInfo's SCIM 2.0 endpoint

Usage: zi-scim [command] [options]

Commands:
  serve                 start the sandbox (default)
  reset                 empty users, groups and the journal; keep settings and tokens
  token rotate          issue a new SCIM token (or --admin for the admin token) and print it once
  seed                  add synthetic users and groups
  replay <file|dir>     send recorded IdP request sequences to a SCIM server and check the answers
  record                write the IdP requests of a journal window as a replay fixture
  check                 send the built-in IdP corpus to any SCIM server; a table of what held

Run "zi-scim <command> --help" for a command's options. Exit codes: 0 success, 1 failure
(a replay step failed, an operation was refused), 2 bad usage or configuration.`,
  // Every setting of config.ts, so the help never falls behind the flags serve accepts.
  serve: `zi-scim serve [options]
Options (each also the environment variable of the same name: --port is PORT, ...):
${wrap(configKeys.map((key) => `--${key.toLowerCase().replaceAll('_', '-')}`))}
See the README's Configuration table for defaults and meanings.`,
  reset: `zi-scim reset [--database-path P] [--account ID] [--create] [--force]
Empties users, groups and the journal of the account (default: default) and re-creates
admin@example.com. While Require SSO is on that local owner could not sign in: refused (exit 1)
unless --force. ${DATABASE_NOTE}`,
  token: `zi-scim token rotate [--admin] [--database-path P] [--account ID] [--create]
Issues a new SCIM token of the account (or, with --admin, the sandbox's admin token, which also
ends every admin view session), prints it once; the old one stops working. A token set by
SCIM_TOKEN / ADMIN_TOKEN in the server's environment is pinned: rotating it is refused (exit 1).
${DATABASE_NOTE}`,
  seed: `zi-scim seed --users N [--groups M] [--members-per-group K] [--database-path P] [--account ID] [--create]
Adds N synthetic users and M groups of K members each to the account, straight through the store.
${DATABASE_NOTE}`,
  replay: `zi-scim replay <file-or-dir> --base-url URL --token TOKEN [--reset-admin-token ADMIN_TOKEN]
       [--admin-token ADMIN_TOKEN] [--junit FILE.xml] [--json]
Replays fixture files (see test/fixtures/idp/README.md) against the SCIM base URL and prints a
pass/fail table (--json: a JSON report instead; --junit: also JUnit XML, a testcase per step).
With --reset-admin-token (sandbox only), each file starts from a reset account. The admin view
outcomes a recording checks need the sandbox's admin token (either flag); without, they are
skipped and counted. Exit code 1 on any failure.`,
  record: `zi-scim record --since <ISO time | event id> [--until <ISO time | event id>] --out FILE.json
       [--database-path P] [--account ID] [--idp okta|entra|onelogin] [--scenario NAME]
Writes the SCIM requests of that journal window (bounds included) as a replay fixture: created ids
become captures, the statuses seen become expectations, the deprovisioning outcomes become admin
view checks. Passwords, redacted in the journal, are replaced by a stand-in. ${DATABASE_NOTE}`,
  check: `zi-scim check --base-url URL --token TOKEN [--idp okta|entra|onelogin] [--junit FILE.xml] [--json]
Sends the built-in IdP corpus (the fixtures the sandbox is tested with) to any SCIM server, names
made unique so the server need not be empty, and prints per IdP and scenario what held. Checks
that need the sandbox's admin API or an empty account are skipped and counted. Exit code 1 when
a scenario failed.`,
};

class UsageError extends Error {}

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;
type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };

function parse(args: string[], options: OptionSpec): Parsed {
  try {
    const { values, positionals } = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const command = first === undefined || first.startsWith('-') ? 'serve' : first;
  const args = command === 'serve' && first !== 'serve' ? argv : rest;
  if (command === 'help' || (command === 'serve' && (args.includes('--help') || args.includes('-h')) && first !== 'serve')) {
    process.stdout.write(HELP.main + '\n');
    return 0;
  }
  switch (command) {
    case 'serve': {
      if (args.includes('--help') || args.includes('-h')) return help('serve');
      const config = loadConfig(process.env, args);
      await (await server()).serve(config);
      return -1; // keeps running
    }
    case 'reset': {
      const { values } = parse(args, { ...DATABASE_OPTIONS, force: { type: 'boolean' } });
      if (values.help) return help('reset');
      const config = loadConfig(process.env, flags(databaseFlags(values)));
      return (await databaseCommands()).resetCommand(config, target(values), values.force === true);
    }
    case 'token': {
      const { values, positionals } = parse(args, { ...DATABASE_OPTIONS, admin: { type: 'boolean' } });
      if (values.help) return help('token');
      if (positionals[0] !== 'rotate' || positionals.length !== 1) throw new UsageError('usage: zi-scim token rotate [--admin] [--database-path P] [--account ID]');
      // One admin token serves every account (PRODUCT.md §7).
      if (values.admin && values.account !== undefined) throw new UsageError('the admin token belongs to the whole sandbox: --account does not apply to --admin');
      const config = loadConfig(process.env, flags(databaseFlags(values)));
      return (await databaseCommands()).rotateTokenCommand(config, target(values), values.admin ? 'admin' : 'scim');
    }
    case 'seed': {
      const { values } = parse(args, {
        ...DATABASE_OPTIONS,
        users: { type: 'string' },
        groups: { type: 'string' },
        'members-per-group': { type: 'string' },
      });
      if (values.help) return help('seed');
      const count = (name: string, value: unknown, fallback: number) => {
        if (value === undefined) return fallback;
        const n = Number(value);
        if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number`);
        return n;
      };
      if (values.users === undefined && values.groups === undefined) throw new UsageError('seed needs --users N and/or --groups M');
      const config = loadConfig(process.env, flags(databaseFlags(values)));
      return (await import('./seed-command.js')).seedCommand(config, target(values), {
        users: count('users', values.users, 0),
        groups: count('groups', values.groups, 0),
        membersPerGroup: count('members-per-group', values['members-per-group'], 10),
        progress: process.stderr,
      });
    }
    case 'replay': {
      const { values, positionals } = parse(args, {
        'base-url': { type: 'string' },
        token: { type: 'string' },
        'reset-admin-token': { type: 'string' },
        'admin-token': { type: 'string' },
        ...REPORT_OPTIONS,
      });
      if (values.help) return help('replay');
      if (positionals.length !== 1 || !values['base-url'] || !values.token) {
        throw new UsageError('usage: zi-scim replay <file-or-dir> --base-url URL --token TOKEN');
      }
      return (await import('./replay-command.js')).replayCommand({
        target: positionals[0]!,
        baseUrl: values['base-url'] as string,
        token: values.token as string,
        resetWithAdminToken: values['reset-admin-token'] as string | undefined,
        adminToken: values['admin-token'] as string | undefined,
        ...reportOptions(values),
        out: process.stdout,
      });
    }
    case 'check': {
      const { values, positionals } = parse(args, { 'base-url': { type: 'string' }, token: { type: 'string' }, idp: { type: 'string' }, ...REPORT_OPTIONS });
      if (values.help) return help('check');
      if (positionals.length !== 0 || !values['base-url'] || !values.token) throw new UsageError('usage: zi-scim check --base-url URL --token TOKEN [--idp okta|entra|onelogin]');
      const check = await import('./check-command.js');
      const idp = values.idp as string | undefined;
      if (idp !== undefined && !(check.IDPS as readonly string[]).includes(idp)) throw new UsageError(`--idp must be one of ${check.IDPS.join(', ')}`);
      return check.checkCommand({
        baseUrl: values['base-url'] as string,
        token: values.token as string,
        ...(idp && { idp: idp as (typeof check.IDPS)[number] }),
        ...reportOptions(values),
        out: process.stdout,
      });
    }
    case 'record': {
      // No --create: an empty new database has no journal to record.
      const { values, positionals } = parse(args, {
        'database-path': { type: 'string' },
        'database-url': { type: 'string' },
        account: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        out: { type: 'string' },
        idp: { type: 'string' },
        scenario: { type: 'string' },
      });
      if (values.help) return help('record');
      if (positionals.length !== 0 || !values.since || !values.out) throw new UsageError('usage: zi-scim record --since <ISO time | event id> --out FILE.json');
      const record = await import('./record-command.js');
      const config = loadConfig(process.env, flags(databaseFlags(values)));
      return record.recordCommand(config, target(values), {
        since: windowBound('since', values.since),
        ...(values.until !== undefined && { until: windowBound('until', values.until) }),
        out: values.out as string,
        ...(typeof values.idp === 'string' && { idp: values.idp }),
        ...(typeof values.scenario === 'string' && { scenario: values.scenario }),
      });
    }
    default:
      throw new UsageError(`unknown command "${command}" (try zi-scim --help)`);
  }
}

const REPORT_OPTIONS: OptionSpec = { junit: { type: 'string' }, json: { type: 'boolean' } };

function reportOptions(values: Parsed['values']): { junit?: string; json?: boolean } {
  return { ...(typeof values.junit === 'string' && { junit: values.junit }), ...(values.json === true && { json: true }) };
}

/** A window bound of `record`: an event id (digits) or an ISO 8601 time. */
function windowBound(name: string, value: unknown): { eventId: number } | { at: string } {
  const text = String(value);
  if (/^\d+$/.test(text)) return { eventId: Number(text) };
  const time = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time.getTime())) throw new UsageError(`--${name} must be an ISO 8601 time (2026-01-31T09:00:00Z) or an event id, got "${text}"`);
  return { at: time.toISOString() };
}

const DATABASE_OPTIONS: OptionSpec = {
  'database-path': { type: 'string' },
  'database-url': { type: 'string' },
  account: { type: 'string' },
  create: { type: 'boolean' },
};

/** The database flags a command was given, as configuration flags (DATABASE_URL wins when set). */
const databaseFlags = (values: Parsed['values']) => ({ 'database-path': values['database-path'], 'database-url': values['database-url'] });

/** --account and --create of the commands that open a database. */
function target(values: Parsed['values']): { account: string; create: boolean } {
  const account = values.account;
  if (account !== undefined && (typeof account !== 'string' || !/^[a-z0-9-]{1,40}$/.test(account))) {
    throw new UsageError('--account must be an account id: 1-40 of a-z, 0-9 and "-"');
  }
  return { account: typeof account === 'string' ? account : 'default', create: values.create === true };
}

function help(name: string): number {
  process.stdout.write(HELP[name] + '\n');
  return 0;
}

/** parseArgs values back into --flag value pairs for loadConfig, skipping unset ones. */
function flags(values: Record<string, unknown>): string[] {
  return Object.entries(values).flatMap(([key, value]) => (typeof value === 'string' ? [`--${key}`, value] : []));
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError || error instanceof ConfigError || error instanceof StartupError;
    process.stderr.write(`zi-scim: ${(error as Error).message}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
