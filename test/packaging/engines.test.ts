import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// npm's own range logic (the semver package npm uses to print EBADENGINE), from the dependency tree.
const semver = createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } | null };

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { packages: Record<string, { engines?: { node?: string } | string[] }> };

/** The lowest version of each range of package.json's engines.node: "^20.19.0 || >=22.12.0" -> 20.19.0, 22.12.0. */
const lowest = pkg.engines.node.split('||').map((range) => semver.minVersion(range.trim())!.version);

describe('supported Node versions (package.json engines)', () => {
  it.each(lowest)('npm install on Node %s meets every package\'s engines (no EBADENGINE warning)', (version) => {
    const refused = Object.entries(lock.packages)
      .filter(([name]) => name !== '')
      .flatMap(([name, entry]) => {
        const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        return range && !semver.satisfies(version, range) ? [`${name} wants node ${range}`] : [];
      });
    expect(refused).toEqual([]);
  });
});
