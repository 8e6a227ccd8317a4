import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp, publicBaseUrl } from './app.js';
import type { GeneratedTokens } from './bootstrap.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { listenFailure, StartupError } from './startup-error.js';
import { describeLocation } from './store/open-store.js';

/** Starts the sandbox: config -> buildApp -> listen, with a graceful stop on SIGTERM/SIGINT. */
export async function serve(config: Config): Promise<void> {
  const app = await buildApp(config);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw listenFailure(error, config.host, config.port);
  }
  // The handlers go in before the banner: whoever waits for the banner may signal at once.
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

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stdout.write(banner(config, publicBaseUrl({ ...config, port }), app.generatedTokens));
}

/** What a start prints: where to point the IdP and the browser, and where each token comes from. */
function banner(config: Config, base: string, generated: GeneratedTokens): string {
  const database = describeLocation(config);
  const lines = [`SCIM base URL:  ${base}/scim/v2`, `Admin view:     ${base}/admin`, `Database:       ${database}`];
  const token = (label: string, value: string | undefined, variable: string, fromEnv: boolean, rotate: string) => {
    // Printed once, on the start that generated it; only its digest is stored.
    if (value) lines.push(`${label}${value}   (generated now; store it, it is not shown again)`);
    else if (fromEnv) lines.push(`${label}from ${variable} (the environment pins it)`);
    else lines.push(`${label}stored in the database (shown on the first start; "${rotate}" issues a new one)`);
  };
  token('SCIM token:     ', generated.scimToken, 'SCIM_TOKEN', config.scimToken !== undefined, 'zi-scim token rotate');
  token('Admin token:    ', generated.adminToken, 'ADMIN_TOKEN', config.adminToken !== undefined, 'zi-scim token rotate --admin');
  return lines.join('\n') + '\n';
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
