/**
 * The key userName, email and group displayName are compared by "without case". Computed here in
 * JS, not with SQLite's lower(), which folds only ASCII: with lower() "ÉLODIE" and "élodie" got
 * different keys, so the unique indexes let both in and an index lookup missed what the filter
 * evaluator (String#toLowerCase) counts as equal.
 */
export const caseKey = (text: string): string => text.toLowerCase();
