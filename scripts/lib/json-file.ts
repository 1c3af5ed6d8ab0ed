import * as fs from 'node:fs';

/**
 * Reads and parses a JSON file; any failure names the file: "<file>: not valid JSON (<parser message>)"
 * or "<file>: cannot be read (<reason>)". For every command that reads a file the user gives it.
 */
export function readJsonFile<T = unknown>(file: string, what = 'JSON'): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message}); expected ${what}`);
  }
}
