/**
 * Checks an Adaptive Card with the `adaptivecards` package (Microsoft's SDK): its UMD build runs
 * under Node without a DOM for parsing; we use `AdaptiveCard.parse` with a SerializationContext
 * (unknown elements/actions, bad versions and property values are reported as events) and
 * `validateProperties()` (required properties), never rendering. Returns the problems found.
 * Used by the tests and `npm run recall:teams-test` (not bundled into the Lambdas).
 */
// The package's "main" (lib/) is ESM with extensionless imports that Node cannot load; dist/ is UMD.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

export function validateAdaptiveCard(card: unknown): string[] {
  const problems: string[] = [];
  if (!card || typeof card !== 'object' || (card as { type?: unknown }).type !== 'AdaptiveCard') return ['not an AdaptiveCard object (type must be "AdaptiveCard")'];
  const version = (card as { version?: unknown }).version;
  const known = AC.Versions.getAllDeclaredVersions().map((v) => v.toString());
  if (typeof version !== 'string' || !known.includes(version)) problems.push(`version: ${JSON.stringify(version)} is not an Adaptive Card version (${known.join(', ')})`);
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  const results = parsed.validateProperties();
  for (const e of results.validationEvents) problems.push(e.message);
  return problems;
}
