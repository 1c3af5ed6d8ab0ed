/** `npm run synth`: every stack of every environment into cdktf.out/stacks/<stack>/cdk.tf.json. */
import { synthCommand } from '../main';

synthCommand('cdktf.out');
