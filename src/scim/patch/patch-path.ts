import { stringify, type Filter } from 'scim2-parse-filter';
import type { ResourceTypeDef } from '../schema/resource-types.js';
import type { AttributeDef } from '../schema/types.js';
import { resolveAttribute, type ResolvedAttribute } from '../schema/attribute-path.js';
import { parseFilter } from '../filter/parse-filter.js';
import { assertSafePath } from '../forbidden-keys.js';
import { invalidPath } from '../errors.js';

/** RFC 7644 §3.5.2 PATCH path: attrPath, or valuePath ("attr[filter]") with an optional ".subAttr". */
export interface PatchPath {
  /** The attribute the path starts at (e.g. emails), never the sub-attribute. */
  target: ResolvedAttribute;
  /** The value filter inside brackets, sub-attribute names canonicalised; undefined without one. */
  filter?: Filter;
  /** The sub-attribute addressed after the brackets or after the dot. */
  subAttribute?: AttributeDef;
  /** The path rebuilt with canonical names (scim-patch is case-sensitive; it never sees the filter). */
  canonical: string;
}

function canonicaliseFilter(filter: Filter, parent: AttributeDef, text: string): Filter {
  const fix = (node: Filter): Filter => {
    switch (node.op) {
      case 'and':
      case 'or':
        return { ...node, filters: node.filters.map(fix) } as Filter;
      case 'not':
        return { ...node, filter: fix(node.filter) } as Filter;
      case '[]':
        throw invalidPath(`nested value filters are not supported in "${text}"`);
      default: {
        const lower = node.attrPath.toLowerCase();
        const sub = parent.subAttributes?.find((s) => s.name.toLowerCase() === lower);
        if (!sub) throw invalidPath(`"${parent.name}" has no sub-attribute "${node.attrPath}" (in "${text}")`);
        return { ...node, attrPath: sub.name } as Filter;
      }
    }
  };
  return fix(filter);
}

/** Parses and resolves a PATCH path against the resource type; unknown attributes are invalidPath. */
export function parsePatchPath(rt: ResourceTypeDef, text: string): PatchPath {
  assertSafePath(text);
  const open = text.indexOf('[');
  if (open === -1) {
    const resolved = resolveAttribute(rt, text.trim());
    if (!resolved) throw invalidPath(`unknown attribute path "${text}"`);
    if (resolved.subAttribute) {
      const target = resolveAttribute(rt, resolved.canonical.slice(0, resolved.canonical.lastIndexOf('.')))!;
      return { target, subAttribute: resolved.subAttribute, canonical: resolved.canonical };
    }
    return { target: resolved, canonical: resolved.canonical };
  }
  const close = text.lastIndexOf(']');
  if (close < open) throw invalidPath(`unbalanced brackets in path "${text}"`);
  const target = resolveAttribute(rt, text.slice(0, open).trim());
  if (!target || target.subAttribute) throw invalidPath(`unknown attribute path "${text}"`);
  if (target.attribute.type !== 'complex') throw invalidPath(`"${target.canonical}" has no sub-attributes to filter on`);
  const rest = text.slice(close + 1).trim();
  let subAttribute: AttributeDef | undefined;
  if (rest) {
    const match = /^\.([A-Za-z$][\w$-]*)$/.exec(rest);
    subAttribute = match ? target.attribute.subAttributes?.find((s) => s.name.toLowerCase() === match[1]!.toLowerCase()) : undefined;
    if (!subAttribute) throw invalidPath(`unknown sub-attribute "${rest}" in path "${text}"`);
  }
  // Reuse the filter grammar (and its IdP tolerance) by parsing "x[...]" and taking the inner filter.
  const parsed = parseFilter(`${target.attribute.name}[${text.slice(open + 1, close)}]`);
  if (parsed.op !== '[]') throw invalidPath(`invalid value filter in path "${text}"`);
  const filter = canonicaliseFilter(parsed.valFilter, target.attribute, text);
  const canonical = `${target.canonical}[${stringify(filter)}]${subAttribute ? '.' + subAttribute.name : ''}`;
  return { target, filter, subAttribute, canonical };
}
