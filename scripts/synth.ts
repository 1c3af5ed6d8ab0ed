/** `npm run synth`: every stack of every environment into cdktf.out/stacks/<stack>/cdk.tf.json. */
import { buildApp } from '../main';
import { synthInto } from './lib/synth';

const started = Date.now();
try {
  const stacks = synthInto('cdktf.out', buildApp);
  console.log(`synthesized ${stacks.length} stacks into cdktf.out/stacks in ${((Date.now() - started) / 1000).toFixed(1)} s: ${stacks.join(', ')}`);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
