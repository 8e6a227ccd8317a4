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
 * Which IdP sent a request (PRODUCT.md §3): from its User-Agent where it sends one (Okta: "Okta SCIM
 * Client", OneLogin: "OneLogin SCIM" agents), and only where none is sent from the request's shape
 * (Entra sends no agent, but capitalised op names and its own group schema URN). An agent we do not
 * know (curl, a script, the replay tool) is "unknown" whatever the body: §3 reads the shape only
 * "where none is sent", so a script that happens to capitalise op names is not labelled Entra.
 */
export function detectIdp(userAgent: string | undefined, body: unknown): Idp {
  const agent = (userAgent ?? '').trim();
  // A word start, so that "Okta" matches but an agent merely containing the letters does not.
  if (/\bokta/i.test(agent)) return 'okta';
  if (/\bonelogin/i.test(agent)) return 'onelogin';
  if (/\b(azure|microsoft|entra|aad)/i.test(agent)) return 'entra';
  if (agent !== '') return 'unknown';
  if (listsMicrosoftSchema(body) || hasCapitalisedOps(body)) return 'entra';
  return 'unknown';
}
