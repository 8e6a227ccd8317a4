import type { FastifyRequest } from 'fastify';
import { DEFAULT_ACCOUNT } from '../model/accounts.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** PUBLIC_URL when configured: the base every Location and meta.location starts with. */
    publicUrl: string | undefined;
  }
}

/** RFC 3986 §3.2.2-3.2.3 host (IP-literal, IPv4 or reg-name) and optional port. */
const VALID_HOST = /^(?:\[[0-9A-Za-z.:%_~-]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(?::(\d*))?$/;

/**
 * The server's base URL as this client reached it (PUBLIC_URL wins), so Location headers are right
 * behind a port mapping or with PORT=0 (RFC 7644 §3.1: the URI of the created resource).
 */
export const baseUrlOf = (request: FastifyRequest): string => {
  if (request.server.publicUrl) return request.server.publicUrl;
  // RFC 9112 §3.2: a Host that is not host[:port] (RFC 3986 §3.2.2) is a 400. Reflected as it was,
  // `Host: user@evil` or `Host: a b` made every Location and meta.location wrong or not a URI at
  // all (found by the fuzzer, test/fuzz/). The error carries a statusCode, so each scope answers it
  // in its own error format.
  // A port past 65535 matches the grammar but is no URL port (`new URL` throws: a 500 on
  // ServiceProviderConfig, found by the fuzzer).
  const valid = VALID_HOST.exec(request.host);
  if (!valid || Number(valid[1] ?? 0) > 65535) {
    throw Object.assign(new Error('the Host header is not a valid host[:port]'), { statusCode: 400, code: 'bad_host' });
  }
  return `${request.protocol}://${request.host}`;
};


/** Where an account's SCIM API is: /scim/v2 for the default account, /accounts/{id}/scim/v2 else. */
export const scimPathOf = (accountId: string): string => (accountId === DEFAULT_ACCOUNT ? '/scim/v2' : `/accounts/${accountId}/scim/v2`);
