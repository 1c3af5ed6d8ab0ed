import * as fs from 'node:fs';
import * as path from 'node:path';
import { TIERS } from '../../environments/lib/tiers';

const ROOT = path.resolve(__dirname, '..', '..');
/** The code that composes infrastructure; environments/lib/tiers.ts is the one place allowed to branch on a tier. */
const SCANNED = ['systems', 'modules', 'main.ts'];
const NAMES = TIERS.join('|');
const Q = '[\'"`]';

/** Ways of turning a tier name, or the deletion-protection flag, into a value outside the tier profile. */
const TIER_BRANCHES: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: 'comparison with a tier name', pattern: new RegExp(`[!=]==?\\s*${Q}(${NAMES})${Q}|${Q}(${NAMES})${Q}\\s*[!=]==?`) },
  { what: 'switch case on a tier name', pattern: new RegExp(`\\bcase\\s+${Q}(${NAMES})${Q}`) },
  { what: 'tier profile picked by name', pattern: new RegExp(`TIER_PROFILES\\s*(\\.\\s*(${NAMES})\\b|\\[\\s*${Q}(${NAMES})${Q})`) },
  { what: 'value derived from deletionProtection (add a TierProfile field)', pattern: /deletionProtection\s*\?\s*\d/ },
];

function sourceFiles(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return /\.ts$/.test(full) ? [full] : [];
  return fs.readdirSync(full).flatMap((name) => sourceFiles(path.join(entry, name)));
}

function tierBranches(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => {
    const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
    return TIER_BRANCHES.filter((b) => b.pattern.test(code)).map((b) => `${file}:${i + 1}: ${b.what}: ${line.trim()}`);
  });
}

describe('tier-derived values live only in the tier profile (environments/lib/tiers.ts)', () => {
  test('no file of systems/, modules/ or main.ts branches on a tier name or derives a value from deletionProtection', () => {
    const files = SCANNED.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap((f) => tierBranches(path.relative(ROOT, f), fs.readFileSync(f, 'utf8')))).toEqual([]);
  });

  test('the scan catches each form (so the test above can fail)', () => {
    const sample = [
      "priceClass: env.tier === 'prod' ? 'PriceClass_All' : 'PriceClass_100',",
      "if ('dev' !== tier) x();",
      "case 'staging':",
      'const p = TIER_PROFILES.prod;',
      'deletionWindowInDays: profile.deletionProtection ? 30 : 7,',
      "tiers: ['staging', 'prod'], // data naming tiers is fine",
      'deletionProtection: profile.deletionProtection,',
      'finalSnapshotIdentifier: p.deletionProtection ? `${p.identifier}-final` : undefined, // module semantics, not a tier value',
      "// env.tier === 'prod' in a comment is fine",
    ].join('\n');
    expect(tierBranches('sample.ts', sample).map((l) => l.split(': ')[1])).toEqual([
      'comparison with a tier name',
      'comparison with a tier name',
      'switch case on a tier name',
      'tier profile picked by name',
      'value derived from deletionProtection (add a TierProfile field)',
    ]);
  });
});
