import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { TestApp } from './test-app.js';
import { send } from '../../src/replay/http-client.js';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

interface ResponseLike {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Asserts a SCIM error document (RFC 7644 §3.12): Error schema, `status` as a string, scimType. */
export function expectScimError(res: ResponseLike, status: number, scimType?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const body = res.body as { schemas?: unknown; status?: unknown; scimType?: unknown; detail?: unknown };
  expect(body.schemas).toContain(ERROR_SCHEMA);
  expect(body.status).toBe(String(status));
  if (scimType !== undefined) expect(body.scimType).toBe(scimType);
  expect(String(res.headers['content-type'])).toMatch(/^application\/(scim\+)?json/);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: unknown;
}

/**
 * One request with exactly the headers given (supertest adds a Content-Type to every body it
 * sends, so a request without one, as Okta's test suite makes, needs the plain http client).
 */
export async function rawRequest(t: TestApp, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const { port } = t.app.server.address() as AddressInfo;
  const answer = await send(`http://127.0.0.1:${port}${path}`, method, headers, body);
  return { status: answer.status, headers: answer.headers, text: answer.text, body: answer.json };
}

/** Prototype pollution leaves traces on every plain object; none may be there. */
export function expectPrototypeClean(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  expect(Object.prototype.toString.call([])).toBe('[object Array]');
  expect(String({})).toBe('[object Object]');
}
