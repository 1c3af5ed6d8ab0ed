import { randomBytes } from 'crypto';
import { Construct } from 'constructs';
import { DockerHost, gzipUserData, userDataText } from '../../modules/docker-host';
import { Network } from '../../modules/network';
import { synthFixture } from '../helpers';

type Json = { resource: Record<string, Record<string, any>> };
const synth = (build: (scope: Construct) => void): Json => JSON.parse(synthFixture(build)) as Json;
const host = (scope: Construct, extra: Record<string, unknown> = {}) =>
  new DockerHost(scope, 'host', {
    namePrefix: 't',
    subnet: new Network(scope, 'network', { namePrefix: 't', cidrBlock: '10.1.0.0/16', availabilityZones: ['us-east-1a'], logRetentionDays: 14 }).publicSubnets[0],
    amiId: 'ami-0123456789abcdef0', userData: '#!/bin/bash\necho ${HOME} %{x}\n',
    containerLogGroupName: '/t/containers', logRetentionDays: 14, backupRetentionDays: 7, deletionProtection: false, ...extra,
  });

describe('DockerHost userDataEncoding', () => {
  test('gzip: user_data_base64 holds the compressed text (no template escaping), user_data is absent', () => {
    const instance = synth((s) => host(s, { userDataEncoding: 'gzip' })).resource.aws_instance.host_instance;
    expect(instance.user_data).toBeUndefined();
    expect(instance.user_data_base64).toBe(gzipUserData('#!/bin/bash\necho ${HOME} %{x}\n').toString('base64'));
    expect(userDataText(instance)).toBe('#!/bin/bash\necho ${HOME} %{x}\n');
    expect(instance.user_data_replace_on_change).toBe(false);
  });

  test('text (default) stays readable and escaped; userDataText reads both forms', () => {
    const instance = synth((s) => host(s)).resource.aws_instance.host_instance;
    expect(instance.user_data).toBe('#!/bin/bash\necho $${HOME} %%{x}\n');
    expect(userDataText(instance)).toBe('#!/bin/bash\necho ${HOME} %{x}\n');
  });

  test('the 16 KiB limit applies to the compressed bytes: large text passes, incompressible data is refused', () => {
    expect(() => synth((s) => host(s, { userData: 'echo hello\n'.repeat(3000), userDataEncoding: 'gzip' }))).not.toThrow();
    const noise = randomBytes(20_000).toString('base64'); // 26.7 KB of base64: gzip gets it to about 20 KB, above 16 KiB
    expect(() => synth((s) => host(s, { userData: noise, userDataEncoding: 'gzip' }))).toThrow(/userData: received .*expected at most 16384 bytes gzip-compressed \(got \d+\)/);
    expect(() => synth((s) => host(s, { userDataEncoding: 'zip' }))).toThrow(/userDataEncoding: received "zip"; expected "text" or "gzip"/);
  });
});
