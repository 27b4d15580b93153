// Branch filters are globs: `*` matches within one path segment, `**` across
// segments, `?` one character (server/domain/run/trigger-filter.ts applies them).
// Everything else must be a character git allows in a branch name.

/** Why `pattern` is not a usable branch pattern, or undefined. */
export function checkBranchPattern(pattern: string): string | undefined {
  if (/\s/.test(pattern)) return `'${pattern}' is not a branch pattern: branch names have no spaces.`;
  if (/[\\[\]^~:]/.test(pattern))
    return `'${pattern}' is not a branch pattern: use letters, digits, '/', '.', '_', '-', '*' and '?'.`;
  return undefined;
}
