import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** PUBLIC_URL when configured: the base every Location and meta.location starts with. */
    publicUrl: string | undefined;
  }
}

/**
 * The server's base URL as this client reached it (PUBLIC_URL wins), so Location headers are right
 * behind a port mapping or with PORT=0 (RFC 7644 §3.1: the URI of the created resource).
 */
export const baseUrlOf = (request: FastifyRequest): string => request.server.publicUrl ?? `${request.protocol}://${request.host}`;
