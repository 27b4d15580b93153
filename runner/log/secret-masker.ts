// Masks secret values in a job's output before it leaves the runner. Output
// arrives in pieces cut anywhere, so a secret may be split across two writes:
// the masker holds back the end of the text while it could still be the start
// of a secret, and lets it go once the next piece (or the end) decides.
export const MASK = '***';

/** Values shorter than this are not masked: masking "1" or "ab" would mangle every line. */
export const MIN_SECRET_LENGTH = 3;

export class SecretMasker {
  private readonly secrets: string[];
  private held = '';

  constructor(values: Iterable<string>) {
    const parts = new Set<string>();
    for (const value of values) {
      // A multi-line secret is masked line by line: output is read line by line.
      for (const part of value.split(/\r?\n/)) if (part.trim().length >= MIN_SECRET_LENGTH) parts.add(part);
    }
    // Longest first, so that a secret containing another is masked whole.
    this.secrets = [...parts].sort((a, b) => b.length - a.length);
  }

  /** Text safe to show; may hold back a possible start of a secret until the next call. */
  push(text: string): string {
    if (this.secrets.length === 0) return text;
    const masked = this.mask(this.held + text);
    const keep = this.possibleStart(masked);
    this.held = masked.slice(masked.length - keep);
    return masked.slice(0, masked.length - keep);
  }

  /** The end of the output: whatever was held back, masked. */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }

  private mask(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  }

  /** Length of the longest end of `text` that is a proper start of some secret. */
  private possibleStart(text: string): number {
    let longest = 0;
    for (const secret of this.secrets) {
      for (let k = Math.min(secret.length - 1, text.length); k > longest; k--) {
        if (text.endsWith(secret.slice(0, k))) {
          longest = k;
          break;
        }
      }
    }
    return longest;
  }
}
