import { buildApp, publicBaseUrl } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';

/** Starts the sandbox: config -> buildApp -> listen, with a graceful stop on SIGTERM/SIGINT. */
export async function serve(config: Config): Promise<void> {
  const app = await buildApp(config);
  await app.listen({ port: config.port, host: config.host });
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

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  try {
    await serve(loadConfig(process.env, process.argv.slice(2)));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`zi-scim: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
