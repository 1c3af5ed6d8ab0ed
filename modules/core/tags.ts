/** Tags every module passes through unchanged; provider default_tags carry the rest. */
export type Tags = Readonly<Record<string, string>>;

/** Merges a Name tag on top of extra tags. */
export function nameTags(name: string, extra: Tags = {}): Record<string, string> {
  return { ...extra, Name: name };
}

/** "db_password" -> "DbPassword": statement ids from construct ids. */
export function pascalCase(id: string): string {
  return id.replace(/(^|[_-])([a-zA-Z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());
}
