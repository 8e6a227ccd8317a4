import { ERROR_SCHEMA } from './schema/urns.js';

// RFC 7644 §3.12: the scimType values a 400 (or 409/413) may carry.
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export interface ScimErrorDocument {
  schemas: [typeof ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

/** The one error type of the protocol core; turned into the wire format only by `toDocument`. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  toDocument(): ScimErrorDocument {
    const doc: ScimErrorDocument = { schemas: [ERROR_SCHEMA], status: String(this.status), detail: this.detail };
    if (this.scimType) doc.scimType = this.scimType;
    return doc;
  }
}

export const isScimError = (error: unknown): error is ScimError => error instanceof ScimError;

export const invalidFilter = (detail: string) => new ScimError(400, detail, 'invalidFilter');
export const invalidSyntax = (detail: string) => new ScimError(400, detail, 'invalidSyntax');
export const invalidPath = (detail: string) => new ScimError(400, detail, 'invalidPath');
export const invalidValue = (detail: string) => new ScimError(400, detail, 'invalidValue');
export const noTarget = (detail: string) => new ScimError(400, detail, 'noTarget');
export const mutability = (detail: string) => new ScimError(400, detail, 'mutability');
export const invalidVersion = (detail: string) => new ScimError(400, detail, 'invalidVers');
export const tooMany = (detail: string, status = 400) => new ScimError(status, detail, 'tooMany');
export const uniqueness = (detail: string) => new ScimError(409, detail, 'uniqueness');
export const badRequest = (detail: string) => new ScimError(400, detail);
export const unauthorized = (detail = 'Missing or invalid bearer token') => new ScimError(401, detail);
export const forbidden = (detail: string) => new ScimError(403, detail);
export const notFound = (detail: string) => new ScimError(404, detail);
export const methodNotAllowed = (detail: string) => new ScimError(405, detail);
export const conflict = (detail: string) => new ScimError(409, detail);
export const preconditionFailed = (detail: string) => new ScimError(412, detail);
export const payloadTooLarge = (detail: string) => new ScimError(413, detail);
export const unsupportedMediaType = (detail: string) => new ScimError(415, detail);
export const internalError = () => new ScimError(500, 'Internal server error');
