import { loadAllEnvironments } from '../../../environments/lib/load';
import { synthClassifyHub } from '../../helpers';

/** Values that change without a change in meaning (asset hashes) are blanked. */
function blankVolatile(json: unknown): unknown {
  return JSON.parse(JSON.stringify(json), (key, value) => (key === 'source_code_hash' || key === 'etag' || /(^|_)hash$/.test(key) ? '<hash>' : value));
}

describe.each(loadAllEnvironments().map((e) => [e.name, e] as const))('%s stack', (_name, env) => {
  test('matches the reviewed snapshot', () => {
    expect(blankVolatile(synthClassifyHub(env))).toMatchSnapshot();
  });
});
