export type Idp = 'okta' | 'entra' | 'onelogin' | 'unknown';

const MICROSOFT_GROUP_URN = 'http://schemas.microsoft.com/2006/11/resourcemanagement/adscim/2.0/group';

/** Op names as Entra writes them ("Replace", "Add"); Okta and OneLogin send lower case. */
const hasCapitalisedOps = (body: unknown): boolean =>
  Array.isArray((body as { Operations?: unknown })?.Operations) &&
  ((body as { Operations: unknown[] }).Operations).some((op) => typeof (op as { op?: unknown })?.op === 'string' && /^[A-Z]/.test((op as { op: string }).op));

const listsMicrosoftSchema = (body: unknown): boolean =>
  Array.isArray((body as { schemas?: unknown })?.schemas) &&
  ((body as { schemas: unknown[] }).schemas).some((s) => typeof s === 'string' && s.toLowerCase() === MICROSOFT_GROUP_URN);

/**
 * Which IdP sent a request: from its User-Agent where it sends one (Okta: "Okta SCIM Client",
 * OneLogin: "OneLogin SCIM" agents), else from the request's shape (Entra sends no agent, but
 * capitalised op names and its own group schema URN).
 */
export function detectIdp(userAgent: string | undefined, body: unknown): Idp {
  const agent = (userAgent ?? '').toLowerCase();
  if (agent.includes('okta')) return 'okta';
  if (agent.includes('onelogin')) return 'onelogin';
  if (agent.includes('azure') || agent.includes('microsoft') || agent.includes('entra') || agent.includes('aad')) return 'entra';
  if (listsMicrosoftSchema(body) || hasCapitalisedOps(body)) return 'entra';
  return 'unknown';
}
