#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { StartupError } from '../startup-error.js';

// Each command loads only what it needs, so `--help` and `replay` start fast.
const server = () => import('../server.js');
const databaseCommands = () => import('./database-commands.js');

const HELP: Record<string, string> = {
  main: `zi-scim: a local stand-in for ZoomInfo's SCIM 2.0 endpoint

Usage: zi-scim [command] [options]

Commands:
  serve                 start the sandbox (default)
  reset                 empty users, groups and the journal; keep settings and tokens
  token rotate          issue a new SCIM token (or --admin for the admin token) and print it once
  seed                  add synthetic users and groups
  replay <file|dir>     send recorded IdP request sequences to a SCIM server and check the answers

Run "zi-scim <command> --help" for a command's options. Exit codes: 0 success, 1 failure
(a replay step failed, an operation was refused), 2 bad usage or configuration.`,
  serve: `zi-scim serve [--port N] [--host H] [--database-path P] [--scim-token T] [--admin-token T]
              [--body-limit 10mb] [--log-level info] [--journal-max-events N] [--public-url U]
Each option may also be given as the environment variable of the same name (PORT, HOST, ...).`,
  reset: `zi-scim reset [--database-path P]
Empties users, groups and the journal of the default account and re-creates admin@example.com.`,
  token: `zi-scim token rotate [--admin] [--database-path P]
Issues a new SCIM token (or admin token with --admin), prints it once; the old one stops working.`,
  seed: `zi-scim seed --users N [--groups M] [--members-per-group K] [--database-path P]
Adds N synthetic users and M groups of K members each, straight through the store.`,
  replay: `zi-scim replay <file-or-dir> --base-url URL --token TOKEN [--reset-admin-token ADMIN_TOKEN]
Replays fixture files (see test/fixtures/idp/README.md) against the SCIM base URL and prints a
pass/fail table. With --reset-admin-token (sandbox only), each file starts from a reset account.`,
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
      const { values } = parse(args, { 'database-path': { type: 'string' } });
      if (values.help) return help('reset');
      const config = loadConfig(process.env, flags(values));
      return (await databaseCommands()).resetCommand(config);
    }
    case 'token': {
      const { values, positionals } = parse(args, { 'database-path': { type: 'string' }, admin: { type: 'boolean' } });
      if (values.help) return help('token');
      if (positionals[0] !== 'rotate') throw new UsageError('usage: zi-scim token rotate [--admin]');
      const { admin, ...rest } = values;
      const config = loadConfig(process.env, flags(rest));
      return (await databaseCommands()).rotateTokenCommand(config, admin ? 'admin' : 'scim');
    }
    case 'seed': {
      const { values } = parse(args, {
        'database-path': { type: 'string' },
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
      const config = loadConfig(process.env, flags({ 'database-path': values['database-path'] }));
      return (await import('./seed-command.js')).seedCommand(config, {
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
        out: process.stdout,
      });
    }
    default:
      throw new UsageError(`unknown command "${command}" (try zi-scim --help)`);
  }
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
