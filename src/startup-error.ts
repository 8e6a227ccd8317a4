/**
 * A reason the sandbox cannot start that the user can fix (port in use, a HOST this machine does
 * not have, a database file it cannot open or migrate): printed as one line naming the cause and
 * the path, exit code 2, never a stack trace (PRODUCT.md §8.4).
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** "EACCES: permission denied, mkdir '/x'" -> "permission denied (EACCES)": the caller names the path. */
export function reasonOf(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(error);
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (!code) return message;
  const bare = message.startsWith(`${code}: `) ? message.slice(code.length + 2).replace(/, \w+ '.*'$/, '') : message;
  return `${bare} (${code})`;
}

/** The errors `listen` gives for a bad PORT or HOST, as one line; anything else is returned as it was. */
export function listenFailure(error: unknown, host: string, port: number): unknown {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'EADDRINUSE':
      return new StartupError(`port ${port} on ${host} is already in use (PORT): stop the other process or choose another port`);
    case 'EACCES':
      return new StartupError(`no permission to listen on port ${port} of ${host} (PORT): ports below 1024 need privileges`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EADDRNOTAVAIL':
    case 'EINVAL':
      return new StartupError(`HOST "${host}" is not an address of this machine to listen on (${code}); try 127.0.0.1 or 0.0.0.0`);
    default:
      return error;
  }
}
