/** One thing the normaliser changed in what an IdP sent, recorded in the request's journal event. */
export interface Rewrite {
  rule: RewriteRule;
  /** Where in the request: a JSON-ish location such as `Operations[0].value.active`. */
  at: string;
  from?: unknown;
  to?: unknown;
}

export type RewriteRule =
  | 'op-case'
  | 'string-boolean'
  | 'legacy-urn'
  | 'unqualified-extension-path'
  | 'bare-reference'
  | 'empty-reference'
  | 'single-value-array'
  | 'read-only-ignored'
  | 'extra-schema-urn'
  | 'missing-content-type'
  | 'trailing-query-separator'
  /** An attribute no schema knows, dropped under unknownAttributes "ignore"; `from` is its name. */
  | 'unknown-attribute-dropped'
  /** OneLogin's `manager.managerId`, read as `manager.value`. */
  | 'manager-id';

export class RewriteLog {
  readonly items: Rewrite[] = [];
  add(rule: RewriteRule, at: string, from?: unknown, to?: unknown): void {
    // Journal entries stay small however large the request: the first 50 rewrites tell the story.
    if (this.items.length < 50) this.items.push({ rule, at, ...(from !== undefined && { from }), ...(to !== undefined && { to }) });
  }
}
