import { z } from 'zod';
import { DEFAULT_LIMITS, type ScimLimits } from './scim/limits.js';
import { DEFAULT_JOURNAL_MAX_BODY, DEFAULT_JOURNAL_MAX_REFUSED } from './store/events-repository.js';

/** Parses "10mb", "512kb", "1048576" into bytes. */
export function parseByteSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!match) return null;
  const units: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
  return Math.floor(Number(match[1]) * units[(match[2] ?? 'b').toLowerCase()]!);
}

const byteSize = z.string().transform((text, ctx) => {
  const bytes = parseByteSize(text);
  if (bytes === null || bytes < 1) {
    ctx.addIssue({ code: 'custom', message: `expected a size such as 10mb, 512kb or 1048576, got "${text}"` });
    return z.NEVER;
  }
  return bytes;
});

/**
 * A whole number from text, with a message a user can act on: `PORT=abc` is "expected a whole
 * number from 0 to 65535, got "abc"", not zod's "expected number, received NaN".
 */
const wholeNumber = (min: number, max?: number) =>
  z.string().transform((text, ctx) => {
    const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value) || value < min || (max !== undefined && value > max)) {
      const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
      ctx.addIssue({ code: 'custom', message: `expected a whole number ${range}, got "${text}"` });
      return z.NEVER;
    }
    return value;
  });

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const token = z.string().min(16, 'must be at least 16 characters').regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

const configSchema = z.object({
  PORT: wholeNumber(0, 65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('./data/sandbox.db'),
  // PRODUCT.md §8.5: a PostgreSQL database instead of the SQLite file, for N processes on one database.
  DATABASE_URL: z
    .string()
    .regex(/^postgres(?:ql)?:\/\/./i, 'expected a postgres:// or postgresql:// URL')
    .optional(),
  SCIM_TOKEN: token.optional(),
  ADMIN_TOKEN: token.optional(),
  BODY_LIMIT: byteSize.default(10 * 1024 * 1024),
  // pino's levels are lower-case; LOG_LEVEL=INFO means the same thing.
  LOG_LEVEL: z.string().trim().toLowerCase().pipe(z.enum(LOG_LEVELS, { error: (issue) => `expected one of ${LOG_LEVELS.join(', ')}, got "${String(issue.input)}"` })).default('info'),
  JOURNAL_MAX_EVENTS: wholeNumber(100).default(100_000),
  JOURNAL_MAX_REFUSED: wholeNumber(10).default(DEFAULT_JOURNAL_MAX_REFUSED),
  JOURNAL_MAX_BODY: byteSize.pipe(z.number().min(1024, 'must be at least 1kb')).default(DEFAULT_JOURNAL_MAX_BODY),
  MAX_HEADER_SIZE: byteSize.default(16 * 1024),
  MAX_URL_LENGTH: wholeNumber(256).default(8192),
  MAX_FILTER_LENGTH: wholeNumber(64).default(DEFAULT_LIMITS.filterLength),
  MAX_FILTER_DEPTH: wholeNumber(1, 256).default(DEFAULT_LIMITS.filterDepth),
  MAX_PATCH_OPERATIONS: wholeNumber(1).default(DEFAULT_LIMITS.patchOperations),
  MAX_MEMBERS_PER_REQUEST: wholeNumber(1).default(DEFAULT_LIMITS.membersPerRequest),
  MAX_RESULTS: wholeNumber(1, 100_000).default(DEFAULT_LIMITS.maxResults),
  MAX_VALUES_PER_ATTRIBUTE: wholeNumber(1).default(DEFAULT_LIMITS.valuesPerAttribute),
  MAX_STRING_LENGTH: wholeNumber(256).default(DEFAULT_LIMITS.stringLength),
  MAX_FILTER_SCAN: wholeNumber(1).default(DEFAULT_LIMITS.filterScan),
  BULK_MAX_OPERATIONS: wholeNumber(1).default(DEFAULT_LIMITS.bulkMaxOperations),
  BULK_MAX_PAYLOAD: byteSize.default(DEFAULT_LIMITS.bulkMaxPayload),
  REQUEST_TIMEOUT: wholeNumber(0).default(30_000),
  KEEP_ALIVE_TIMEOUT: wholeNumber(0).default(72_000),
  DRAIN_LIMIT: byteSize.optional(),
  DRAIN_TIMEOUT: wholeNumber(0).default(30_000),
  PUBLIC_URL: z.url().optional(),
});

export type ConfigInput = z.input<typeof configSchema>;

export interface Config {
  port: number;
  host: string;
  databasePath: string;
  /** A PostgreSQL URL: when set, the store is there and DATABASE_PATH is not used. */
  databaseUrl?: string;
  scimToken?: string;
  adminToken?: string;
  bodyLimit: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  journalMaxEvents: number;
  /** Refused requests (401) kept per account, beside journalMaxEvents. */
  journalMaxRefused: number;
  /** Characters of a request or response body the journal keeps (the head; the rest is cut). */
  journalMaxBody: number;
  /** Base URL used in printed URLs and `meta.location`; derived from host and port when unset. */
  publicUrl?: string;
  limits: ScimLimits;
  http: HttpLimits;
}

/** Limits the HTTP server itself enforces, before any route runs. */
export interface HttpLimits {
  maxHeaderSize: number;
  maxUrlLength: number;
  /** Milliseconds to receive a whole request (slow-loris guard); 0 disables. */
  requestTimeout: number;
  keepAliveTimeout: number;
  /** Bytes of a refused upload read and discarded after its answer, before the connection is closed. */
  drainLimit: number;
  /** Milliseconds that draining may last; 0 closes at once. */
  drainTimeout: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const configKeys = Object.keys(configSchema.shape) as (keyof ConfigInput)[];

/** `--database-path x` or `--database-path=x` -> { DATABASE_PATH: 'x' } for every known key. */
export function flagsToEnv(argv: readonly string[]): Record<string, string> {
  const byFlag = new Map(configKeys.map((key) => [`--${key.toLowerCase().replaceAll('_', '-')}`, key]));
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = byFlag.get(flag);
    if (!key) throw new ConfigError(`unknown option ${flag}`);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`option ${flag} needs a value`);
    out[key] = value;
  }
  return out;
}

/** The only reader of configuration: environment first, then command-line flags over it. */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[] = []): Config {
  const picked: Record<string, string> = {};
  for (const key of configKeys) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  Object.assign(picked, flagsToEnv(argv));
  const parsed = configSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid ${String(issue.path[0])}: ${issue.message}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    databasePath: c.DATABASE_PATH,
    databaseUrl: c.DATABASE_URL,
    scimToken: c.SCIM_TOKEN,
    adminToken: c.ADMIN_TOKEN,
    bodyLimit: c.BODY_LIMIT,
    logLevel: c.LOG_LEVEL,
    journalMaxEvents: c.JOURNAL_MAX_EVENTS,
    journalMaxRefused: c.JOURNAL_MAX_REFUSED,
    journalMaxBody: c.JOURNAL_MAX_BODY,
    publicUrl: c.PUBLIC_URL?.replace(/\/+$/, ''),
    limits: {
      filterLength: c.MAX_FILTER_LENGTH,
      filterDepth: c.MAX_FILTER_DEPTH,
      patchOperations: c.MAX_PATCH_OPERATIONS,
      membersPerRequest: c.MAX_MEMBERS_PER_REQUEST,
      maxResults: c.MAX_RESULTS,
      valuesPerAttribute: c.MAX_VALUES_PER_ATTRIBUTE,
      stringLength: c.MAX_STRING_LENGTH,
      filterScan: c.MAX_FILTER_SCAN,
      bulkMaxOperations: c.BULK_MAX_OPERATIONS,
      bulkMaxPayload: c.BULK_MAX_PAYLOAD,
    },
    http: {
      maxHeaderSize: c.MAX_HEADER_SIZE,
      maxUrlLength: c.MAX_URL_LENGTH,
      requestTimeout: c.REQUEST_TIMEOUT,
      keepAliveTimeout: c.KEEP_ALIVE_TIMEOUT,
      drainLimit: c.DRAIN_LIMIT ?? 2 * c.BODY_LIMIT,
      drainTimeout: c.DRAIN_TIMEOUT,
    },
  };
}
