import { parse } from 'scim2-parse-filter';
import type { Filter } from 'scim2-parse-filter';
import { invalidFilter } from '../errors.js';
import { DEFAULT_LIMITS, type ScimLimits } from '../limits.js';

export type { AttrExp, Compare, Filter, LogExp, NotFilter, Suffix, ValuePath } from 'scim2-parse-filter';


type CompValue = string | number | boolean | null;
type TokenKind = '(' | ')' | '[' | ']' | 'string' | 'word';
interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
}

const COMPARE_OPS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const LOGICAL_OPS = new Set(['and', 'or']);
// RFC 8259 §6 number grammar: only these bare words are numbers; `007` or `1.` are bare words.
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

const at = (pos: number) => `at position ${pos + 1}`;

/** Splits the filter into brackets, quoted strings (escapes kept, so `"a]b\"["` is one token) and words. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ kind: c, text: c, pos: i++ });
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw invalidFilter(`Unterminated string ${at(i)}`);
      tokens.push({ kind: 'string', text: text.slice(i, j + 1), pos: i });
      i = j + 1;
    } else {
      const start = i;
      while (i < text.length && !/[\s()[\]"]/.test(text[i] as string)) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), pos: start });
    }
  }
  return tokens;
}

/**
 * compValue strings are JSON strings (RFC 7644 §3.4.2.2). Valid JSON is decoded as such; otherwise
 * (IdPs send `"DOMAIN\user"`) unknown escapes are kept literally instead of failing the request.
 */
function decodeString(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    const body = raw.slice(1, -1);
    let out = '';
    for (let i = 0; i < body.length; i++) {
      const c = body[i] as string;
      const next = body[i + 1];
      if (c !== '\\' || next === undefined) {
        out += c;
      } else if (next in ESCAPES) {
        out += ESCAPES[next];
        i++;
      } else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(body.slice(i + 2, i + 6), 16));
        i += 5;
      } else {
        out += c;
      }
    }
    return out;
  }
}

/** A compValue written without quotes: JSON literal or number if it is one, else a bare word (Entra). */
function decodeBare(word: string): CompValue {
  if (word === 'true') return true;
  if (word === 'false') return false;
  if (word === 'null') return null;
  return JSON_NUMBER.test(word) ? Number(word) : word;
}

interface Frame {
  kind: '(' | '[' | 'sub';
  pos: number;
  weight: number;
  /** Index in `out` of the `[`, so `].sub` can open a parenthesis right after it. */
  outIndex: number;
}

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2) into the scim2-parse-filter AST. A validating pre-pass
 * re-emits the filter for the package with every attribute path and value replaced by a
 * placeholder, which (a) quotes bare-word values, (b) lower-cases operators, (c) rewrites
 * `attr[inner].sub OP value` to `attr[(inner) and sub OP value]` so the sub-attribute test applies
 * to the same element, and (d) sidesteps the package tokenizer's bugs (negative numbers before a
 * space, backslash handling, `$ref`). The package is left with what it does well: precedence.
 */
export function parseFilter(text: string, limits: Pick<ScimLimits, 'filterLength' | 'filterDepth'> = DEFAULT_LIMITS): Filter {
  // The length is checked before any parsing work; the depth guards the parser's recursion.
  const { filterLength: MAX_FILTER_LENGTH, filterDepth: MAX_FILTER_DEPTH } = limits;
  if (text.length > MAX_FILTER_LENGTH) {
    throw invalidFilter(`Filter is longer than ${MAX_FILTER_LENGTH} characters`);
  }
  const tokens = tokenize(text);
  if (tokens.length === 0) throw invalidFilter('Filter is empty');

  const attrs: string[] = [];
  const values: CompValue[] = [];
  const out: string[] = [];
  const frames: Frame[] = [];
  let depth = 0;
  let pendingNot = 0; // `not`s waiting for their operand
  let carriedNot = 0; // `not`s applying to the attribute expression being read
  let state = 'operand' as 'operand' | 'operator' | 'value' | 'after';
  let lastAttr = '';
  let lastOp = '';

  const push = (kind: Frame['kind'], pos: number, weight: number) => {
    depth += weight;
    if (depth > MAX_FILTER_DEPTH) throw invalidFilter(`Filter is nested deeper than ${MAX_FILTER_DEPTH} levels`);
    frames.push({ kind, pos, weight, outIndex: out.length });
  };
  const pop = (): Frame | undefined => {
    const frame = frames.pop();
    if (frame) depth -= frame.weight;
    return frame;
  };
  const emitAttr = (name: string): 'operator' => {
    lastAttr = name;
    out.push(`a${attrs.push(name) - 1}`);
    return 'operator';
  };
  // An attribute expression ended: a pending `].sub` rewrite closes its bracket here.
  const endAttrExp = (): 'after' => {
    carriedNot = 0;
    if (frames.at(-1)?.kind === 'sub') {
      pop();
      out.push(']');
    }
    return 'after';
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const lower = t.text.toLowerCase();
    if (state === 'operand') {
      if (t.kind === '(') {
        push('(', t.pos, 1 + pendingNot);
        pendingNot = 0;
        out.push('(');
      } else if (t.kind === 'word' && lower === 'not') {
        if (depth + ++pendingNot > MAX_FILTER_DEPTH) {
          throw invalidFilter(`Filter is nested deeper than ${MAX_FILTER_DEPTH} levels`);
        }
        out.push('not');
      } else if (t.kind === 'word' && !LOGICAL_OPS.has(lower)) {
        carriedNot = pendingNot;
        pendingNot = 0;
        state = emitAttr(t.text);
      } else {
        throw invalidFilter(`Expected an attribute name, '(' or 'not' ${at(t.pos)} but found '${t.text}'`);
      }
    } else if (state === 'operator') {
      if (t.kind === 'word' && COMPARE_OPS.has(lower)) {
        lastOp = lower;
        out.push(lower);
        state = 'value';
      } else if (t.kind === 'word' && lower === 'pr') {
        out.push('pr');
        state = endAttrExp();
      } else if (t.kind === '[' && frames.at(-1)?.kind !== 'sub') {
        push('[', t.pos, 1 + carriedNot);
        carriedNot = 0;
        out.push('[');
        state = 'operand';
      } else {
        throw invalidFilter(
          `Expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) or '[' after '${lastAttr}' ${at(t.pos)} but found '${t.text}'`,
        );
      }
    } else if (state === 'value') {
      if (t.kind === 'string') {
        values.push(decodeString(t.text));
      } else if (t.kind === 'word' && !LOGICAL_OPS.has(lower) && lower !== 'not') {
        values.push(decodeBare(t.text));
      } else {
        throw invalidFilter(`Missing value after '${lastAttr} ${lastOp}' ${at(t.pos)} (found '${t.text}')`);
      }
      out.push(`"v${values.length - 1}"`);
      state = endAttrExp();
    } else if (t.kind === 'word' && LOGICAL_OPS.has(lower)) {
      out.push(lower);
      state = 'operand';
    } else if (t.kind === ')' || t.kind === ']') {
      const open = t.kind === ')' ? '(' : '[';
      const frame = pop();
      if (!frame) throw invalidFilter(`Unbalanced '${t.text}' ${at(t.pos)}`);
      if (frame.kind !== open) {
        throw invalidFilter(`'${t.text}' ${at(t.pos)} does not match '${frame.kind}' ${at(frame.pos)}`);
      }
      const next = tokens[i + 1];
      if (t.kind === ']' && next?.kind === 'word' && next.text.startsWith('.')) {
        // `emails[type eq "work"].value eq "x"`: the package would turn this into
        // `emails[type eq "work"] and emails.value eq "x"`, matching a user whose *home* email is x.
        const sub = next.text.slice(1);
        if (sub === '') throw invalidFilter(`Missing sub-attribute after ']' ${at(next.pos)}`);
        out[frame.outIndex] = '[ (';
        out.push(')', 'and');
        push('sub', t.pos, 0);
        state = emitAttr(sub);
        i++;
      } else {
        out.push(t.text);
      }
    } else {
      throw invalidFilter(`Expected 'and', 'or', ')' or ']' ${at(t.pos)} but found '${t.text}'`);
    }
  }

  if (state === 'operand') throw invalidFilter('Filter ends where an attribute expression was expected');
  if (state === 'operator') throw invalidFilter(`Filter ends after '${lastAttr}' without an operator`);
  if (state === 'value') throw invalidFilter(`Missing value after '${lastAttr} ${lastOp}'`);
  const unclosed = frames.at(-1);
  if (unclosed) throw invalidFilter(`Unclosed '${unclosed.kind}' ${at(unclosed.pos)}`);

  let parsed: Filter;
  try {
    parsed = parse(out.join(' '));
  } catch (error) {
    // Not expected after the pre-pass; kept so a package quirk still yields a 400, not a 500.
    throw invalidFilter(`Invalid filter: ${error instanceof Error ? error.message : String(error)}`);
  }
  return restore(parsed, attrs, values);
}

/** Swaps the placeholders back for the real attribute paths and values. */
function restore(f: Filter, attrs: string[], values: CompValue[]): Filter {
  const attr = (p: string) => attrs[Number(p.slice(1))] as string;
  switch (f.op) {
    case 'and':
    case 'or':
      return { op: f.op, filters: f.filters.map((g) => restore(g, attrs, values)) };
    case 'not':
      return { op: 'not', filter: restore(f.filter, attrs, values) };
    case '[]':
      return { op: '[]', attrPath: attr(f.attrPath), valFilter: restore(f.valFilter, attrs, values) };
    case 'pr':
      return { op: 'pr', attrPath: attr(f.attrPath) };
    default:
      return { op: f.op, attrPath: attr(f.attrPath), compValue: values[Number(String(f.compValue).slice(1))] ?? null };
  }
}
