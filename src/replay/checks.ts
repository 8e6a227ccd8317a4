/** The state checks of a fixture step (test/fixtures/idp/README.md). Each returns a failure text or null. */

const isAbsent = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);

const show = (v: unknown) => JSON.stringify(v) ?? 'absent';

/** `expected` is a JSON subset of `actual`; null means absent; array elements match in any order. */
export function subsetMismatch(expected: unknown, actual: unknown, at = '$'): string | null {
  if (expected === null) return isAbsent(actual) ? null : `${at}: expected absent, got ${show(actual)}`;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at}: expected an array, got ${show(actual)}`;
    for (const [i, item] of expected.entries()) {
      if (!actual.some((a) => subsetMismatch(item, a) === null)) return `${at}[${i}]: no element matches ${show(item)}`;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${at}: expected an object, got ${show(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      const failure = subsetMismatch(value, (actual as Record<string, unknown>)[key], `${at}.${key}`);
      if (failure) return failure;
    }
    return null;
  }
  return expected === actual ? null : `${at}: expected ${show(expected)}, got ${show(actual)}`;
}

/** The member values must be exactly these, order free, duplicates counted. */
export function membersMismatch(expected: string[], resource: unknown): string | null {
  const members = (resource as { members?: { value?: unknown }[] } | undefined)?.members ?? [];
  const got = members.map((m) => String(m.value)).sort();
  const want = [...expected].sort();
  return JSON.stringify(got) === JSON.stringify(want) ? null : `members: expected ${show(want)}, got ${show(got)}`;
}

/** None of these keys may appear, at any depth, with a value (null and [] count as absent). */
export function absentKeysMismatch(keys: string[], resource: unknown): string | null {
  const found: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (keys.includes(key) && !isAbsent(value)) found.push(key);
        walk(value);
      }
    }
  };
  walk(resource);
  return found.length ? `keys that must be absent are present: ${found.join(', ')}` : null;
}

/** `$.a.b[0].c` on a JSON value. */
export function readJsonPath(value: unknown, path: string): unknown {
  const parts = path.replace(/^\$\.?/, '').match(/[^.[\]]+|\[\d+\]/g) ?? [];
  return parts.reduce<unknown>((node, part) => {
    if (node === null || typeof node !== 'object') return undefined;
    const index = /^\[(\d+)\]$/.exec(part);
    return index ? (node as unknown[])[Number(index[1])] : (node as Record<string, unknown>)[part];
  }, value);
}

/** The ListResponse integers the step names must be JSON integers with those values. */
export function listMismatch(expected: Record<string, number>, body: unknown): string | null {
  for (const [key, want] of Object.entries(expected)) {
    const got = (body as Record<string, unknown> | undefined)?.[key];
    if (!Number.isInteger(got)) return `${key}: expected the integer ${want}, got ${show(got)}`;
    if (got !== want) return `${key}: expected ${want}, got ${show(got)}`;
  }
  return null;
}
