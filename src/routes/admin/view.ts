import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** web/admin/ at the repository root: two levels above both src/routes/admin and dist/routes/admin. */
export const WEB_DIR = fileURLToPath(new URL('../../../web/admin/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** Every servable file under `dir`, by its path relative to it ("views/users.js"). */
export function loadAssets(dir = WEB_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const full = join(folder, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (TYPES[extname(name)]) {
        const body = readFileSync(full);
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
        assets.set(relative(dir, full).split(sep).join('/'), { body, type: TYPES[extname(name)]!, etag });
      }
    }
  };
  walk(dir);
  return assets;
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset) {
  // Revalidated on every load (tiny files, ETag answers 304), so an upgrade shows at once.
  reply.header('cache-control', 'no-cache').header('etag', asset.etag);
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.type(asset.type).send(asset.body);
}

/**
 * The admin view (PRODUCT.md §5): GET /admin is the page, GET /admin/assets/* its CSS and ES
 * modules. Files are read once at start from a fixed list, so no request path reaches the disk.
 */
const adminViewRoutes: FastifyPluginAsync<{ dir?: string }> = async (app, options) => {
  const assets = loadAssets(options.dir);
  const page = assets.get('index.html');
  if (!page) throw new Error(`admin view: no index.html in ${options.dir ?? WEB_DIR}`);

  app.get('/', (request, reply) => send(request, reply, page));
  app.get<{ Params: { '*': string } }>('/assets/*', (request, reply) => {
    const asset = assets.get(request.params['*']);
    if (!asset) return reply.code(404).send({ error: 'not_found', message: 'no such admin view file' });
    return send(request, reply, asset);
  });
};

export default adminViewRoutes;
