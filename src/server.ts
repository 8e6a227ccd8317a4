import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp, publicBaseUrl } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { listenFailure, StartupError } from './startup-error.js';

/** Starts the sandbox: config -> buildApp -> listen, with a graceful stop on SIGTERM/SIGINT. */
export async function serve(config: Config): Promise<void> {
  const app = await buildApp(config);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw listenFailure(error, config.host, config.port);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = publicBaseUrl({ ...config, port });
  const lines = [`SCIM base URL:  ${base}/scim/v2`, `Admin view:     ${base}/admin`];
  // Printed once, on the start that generated them; only their digests are stored.
  if (app.generatedTokens.scimToken) lines.push(`SCIM token:     ${app.generatedTokens.scimToken}   (generated now; store it, it is not shown again)`);
  if (app.generatedTokens.adminToken) lines.push(`Admin token:    ${app.generatedTokens.adminToken}   (generated now; store it, it is not shown again)`);
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping: finishing in-flight requests');
    // close() stops accepting, waits for in-flight requests, then runs onClose (database close).
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/**
 * Run as `node dist/server.js`? Compared as real file paths: the URL of a checkout under "my
 * projects/" spells the space %20, and a checkout reached through a symlink has argv[1] on the link.
 */
function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMain()) {
  try {
    await serve(loadConfig(process.env, process.argv.slice(2)));
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StartupError) {
      process.stderr.write(`zi-scim: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
