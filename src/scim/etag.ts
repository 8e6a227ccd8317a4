import { preconditionFailed } from './errors.js';
import { etagOf } from './representation.js';

const opaque = (tag: string) => tag.trim().replace(/^W\//, '');

const listMatches = (header: string, version: number): boolean => {
  const current = opaque(etagOf(version));
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === current);
};

/** RFC 7644 §3.14 / RFC 7232 §3.1: a write with a stale If-Match is refused with 412. */
export function checkIfMatch(header: string | undefined, version: number): void {
  if (header !== undefined && header !== '' && !listMatches(header, version)) {
    throw preconditionFailed(`the resource has changed: its version is ${etagOf(version)}`);
  }
}

/** RFC 7232 §3.2: a GET whose If-None-Match names the current version is answered 304. */
export const isNotModified = (header: string | undefined, version: number): boolean =>
  header !== undefined && header !== '' && listMatches(header, version);
