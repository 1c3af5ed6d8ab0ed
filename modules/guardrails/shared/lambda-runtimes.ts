/**
 * Lambda runtimes and the date AWS deprecates each one (after that date Lambda no longer applies
 * security patches, and some weeks later blocks creating, then updating, functions on it).
 *
 * Source: the AWS Lambda developer guide, "Lambda runtimes" (supported and deprecated runtime
 * tables), as recorded on `checkedOn`. nodejs20.x (30 April 2026) is the date issue 10 names; the
 * other dates are AWS's published schedule as the platform team knew it on that day and were not
 * re-read from the live page (the machine has no internet). Dates after `checkedOn` are AWS's
 * announced plans and may move. To refresh: compare with
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html, update the dates, set
 * `checkedOn`, and run `npx jest test/modules/guardrails-lambda-runtime.test.ts`.
 *
 * The rule CH-LAMBDA-004 compares against `checkedOn`, not the clock, so synth stays deterministic:
 * moving `checkedOn` forward is the deliberate step that starts failing a runtime that has reached
 * its date in the meantime.
 */
export const LAMBDA_RUNTIME_TABLE = {
  /** The day the table was last compared with AWS's schedule (ISO date). */
  checkedOn: '2026-12-04',
  /** Runtime identifier -> deprecation date (ISO date). */
  deprecation: {
    // Node.js
    'nodejs': '2016-10-31',
    'nodejs4.3': '2020-03-05',
    'nodejs4.3-edge': '2019-04-30',
    'nodejs6.10': '2019-08-12',
    'nodejs8.10': '2020-03-06',
    'nodejs10.x': '2021-07-30',
    'nodejs12.x': '2023-03-31',
    'nodejs14.x': '2023-12-04',
    'nodejs16.x': '2024-06-12',
    'nodejs18.x': '2025-09-01',
    'nodejs20.x': '2026-04-30',
    'nodejs22.x': '2027-04-30',
    'nodejs24.x': '2028-04-30',
    // Python
    'python2.7': '2021-07-15',
    'python3.6': '2022-07-18',
    'python3.7': '2023-12-04',
    'python3.8': '2024-10-14',
    'python3.9': '2025-12-15',
    'python3.10': '2026-06-30',
    'python3.11': '2026-06-30',
    'python3.12': '2028-10-31',
    'python3.13': '2029-06-30',
    // Java
    'java8': '2024-01-08',
    'java8.al2': '2026-06-30',
    'java11': '2026-06-30',
    'java17': '2026-06-30',
    'java21': '2029-06-30',
    // .NET
    'dotnetcore1.0': '2019-07-30',
    'dotnetcore2.0': '2019-05-30',
    'dotnetcore2.1': '2022-01-05',
    'dotnetcore3.1': '2023-04-03',
    'dotnet6': '2024-12-20',
    'dotnet8': '2026-11-10',
    // Ruby
    'ruby2.5': '2021-07-30',
    'ruby2.7': '2023-12-07',
    'ruby3.2': '2026-03-31',
    'ruby3.3': '2027-03-31',
    'ruby3.4': '2028-03-31',
    // OS-only
    'go1.x': '2024-01-08',
    'provided': '2024-01-08',
    'provided.al2': '2026-06-30',
    'provided.al2023': '2029-06-30',
  } as Readonly<Record<string, string>>,
} as const;

/** What the table says about a runtime on its `checkedOn` day. */
export function runtimeStatus(runtime: string): { readonly status: 'supported' | 'deprecated' | 'unknown'; readonly date?: string } {
  const date = LAMBDA_RUNTIME_TABLE.deprecation[runtime];
  if (date === undefined) return { status: 'unknown' };
  return { status: date <= LAMBDA_RUNTIME_TABLE.checkedOn ? 'deprecated' : 'supported', date };
}
