/** Helpers of the alarm sets. */
export const SNAKE = /^[a-z][a-z0-9_]*$/;

export function unique(values: readonly string[]): boolean {
  return new Set(values).size === values.length;
}

export function snake(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase();
}
