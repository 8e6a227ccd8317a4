import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// docker/compose.yaml without a Docker engine: what each profile starts, and that the PostgreSQL
// profile's replicas share one database behind one address (PRODUCT.md §8.5).

interface Service {
  profiles?: string[];
  image?: string;
  build?: unknown;
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  configs?: { source: string; target: string }[];
  volumes?: string[];
  healthcheck?: unknown;
}

const compose = parse(readFileSync(new URL('../../docker/compose.yaml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  configs: Record<string, { content: string }>;
};
const { services } = compose;
const inProfile = (profile: string | null) =>
  Object.keys(services)
    .filter((name) => (profile === null ? !services[name]!.profiles : services[name]!.profiles?.includes(profile)))
    .sort();

describe('docker/compose.yaml', () => {
  it('starts one SQLite sandbox by default, with its data on a volume', () => {
    expect(inProfile(null)).toEqual(['sandbox']);
    expect(services.sandbox!.environment).not.toHaveProperty('DATABASE_URL');
    expect(services.sandbox!.volumes).toEqual(['sandbox-data:/data']);
  });

  it('starts PostgreSQL, two replicas on it and a balancer in front of them under the postgres profile', () => {
    expect(inProfile('postgres')).toEqual(['balancer', 'postgres', 'replica-a', 'replica-b']);
    const [a, b] = [services['replica-a']!, services['replica-b']!];
    expect(a.environment!.DATABASE_URL).toMatch(/^postgres:\/\/zi_scim:.+@postgres:5432\/zi_scim$/);
    expect(b.environment).toEqual(a.environment);
    for (const replica of [a, b]) {
      expect(replica.build).toEqual(services.sandbox!.build);
      expect(replica.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
      expect(replica.ports).toBeUndefined(); // reached through the balancer only
    }
    expect(services.postgres!.healthcheck).toBeDefined();
    // The password the replicas use is the one PostgreSQL is started with.
    expect(a.environment!.DATABASE_URL).toContain(`:${services.postgres!.environment!.POSTGRES_PASSWORD}@`);
  });

  it('balances over both replicas on the port it publishes, passing the Host the IdP used', () => {
    const balancer = services.balancer!;
    const nginx = compose.configs[balancer.configs![0]!.source]!.content;
    expect(nginx).toMatch(/upstream replicas \{ server replica-a:8080; server replica-b:8080; \}/);
    expect(nginx).toContain('listen 8080;');
    expect(balancer.ports).toEqual(['${PG_PORT:-8090}:8080']);
    // $$ in compose.yaml is one literal $ for nginx (compose would expand a single one).
    expect(nginx).toContain('proxy_set_header Host $$http_host;');
  });
});
