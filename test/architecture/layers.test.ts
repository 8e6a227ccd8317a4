import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The seams of docs/storage.md and STYLE.md, checked on the source itself: a new import that
// crosses one fails here before a second storage backend has to discover it.

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports (static, dynamic and type-only), as a path under src/ or a package name. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  return specifiers.map((s) => (s.startsWith('.') ? relative(SRC, resolve(dirname(file), s)).replace(/\.js$/, '') : s));
}

function crossings(layer: string, forbidden: (target: string) => boolean): string[] {
  return sourceFiles(join(SRC, layer)).flatMap((file) =>
    importsOf(file)
      .filter(forbidden)
      .map((target) => `${relative(SRC, file)} imports ${target}`),
  );
}

describe('layers', () => {
  it('routes import nothing from the store: they reach it through provisioning, zoominfo and the app', () => {
    expect(crossings('routes', (t) => t.startsWith('store/'))).toEqual([]);
  });

  it('the store imports no vendor rule, no use case and no HTTP', () => {
    expect(crossings('store', (t) => /^(zoominfo|provisioning|routes|idp)\//.test(t) || t === 'fastify')).toEqual([]);
  });

  it('the SCIM core knows neither Fastify, nor SQL, nor the vendor', () => {
    expect(crossings('scim', (t) => /^(store|zoominfo|routes|provisioning)\//.test(t) || /^(fastify|better-sqlite3|pg)$/.test(t))).toEqual([]);
  });

  it('the checker itself sees imports (a file known to import the store is caught)', () => {
    expect(crossings('provisioning', (t) => t.startsWith('store/')).length).toBeGreaterThan(0);
  });
});
