import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/**
 * Sends exactly the given headers (fetch would add a Content-Type to a string body, and the
 * recordings must be replayed without one where the IdP sent none) and the path byte for byte: a
 * URL object would drop a trailing "?" and resolve dot segments, and both are part of a recording.
 */
export function send(url: string, method: string, headers: Record<string, string>, body: string | undefined): Promise<HttpAnswer> {
  const target = new URL(url);
  const path = url.slice(target.origin.length) || '/';
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const options = {
    protocol: target.protocol,
    hostname: target.hostname.replace(/^\[|\]$/g, ''),
    port: target.port,
    path,
    method,
    headers: { ...headers, ...(body !== undefined && { 'content-length': Buffer.byteLength(body) }) },
    timeout: 30_000,
  };
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = undefined;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${target.host} within 30 s`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
