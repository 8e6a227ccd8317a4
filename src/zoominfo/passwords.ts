import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;

// scrypt with a per-password salt: a copied database file reveals no password.
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('hex')}$${scryptSync(password, salt, 32).toString('hex')}`;
}

/** Passwords hashed ahead of a write, at most this many per request (more fall back to hashPassword). */
const MAX_AHEAD = 1000;

/**
 * Hashes the passwords a request carries before its write, in libuv's thread pool: scrypt takes
 * ~50 ms of CPU, and run inside the write's transaction it held the event loop (a Bulk with 300
 * passwords: 8.9 s during which no other request was answered). Each password gets its own salt.
 */
export async function hashPasswordsAhead(passwords: readonly string[]): Promise<Map<string, string[]>> {
  const ahead = new Map<string, string[]>();
  const digests = await Promise.all(
    passwords.slice(0, MAX_AHEAD).map(async (password) => {
      const salt = randomBytes(16);
      return [password, `scrypt$${salt.toString('hex')}$${(await scryptAsync(password, salt, 32)).toString('hex')}`] as const;
    }),
  );
  for (const [password, digest] of digests) ahead.set(password, [...(ahead.get(password) ?? []), digest]);
  return ahead;
}

/** A digest hashed ahead for this password, else one computed now. */
export function takeDigest(ahead: Map<string, string[]> | undefined, password: string): string {
  return ahead?.get(password)?.shift() ?? hashPassword(password);
}

export function verifyPassword(password: string, digest: string | null): boolean {
  const [scheme, salt, hash] = digest?.split('$') ?? [];
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  return timingSafeEqual(scryptSync(password, Buffer.from(salt, 'hex'), 32), Buffer.from(hash, 'hex'));
}
