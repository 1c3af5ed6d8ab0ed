/**
 * Issue 15 (7): the Docker host's user data stays below 12 KB at every stage
 * (gzip-compressed, as EC2 counts it), and the one binary it downloads (the
 * compose plugin) is checked against a checksum committed in this repository.
 */
import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { loadAllEnvironments, loadEnvironment } from '../../../environments/lib/load';
import { atStage } from '../../../systems/classifyhub/app';
import { IMPLEMENTED_STAGES, LAST_DOCKER_HOST_STAGE, StageSlug, capabilitiesAt } from '../../../systems/classifyhub/stages';
import { COMPOSE_PLUGIN_SHA256, COMPOSE_PLUGIN_VERSION } from '../../../systems/classifyhub/host/user-data';
import { gzipUserData, userDataBytes } from '../../../modules/docker-host';
import { synthClassifyHub, userDataOf } from '../../helpers';

const TARGET_BYTES = 12 * 1024;
const dev = loadEnvironment('dev');
const hostStages = IMPLEMENTED_STAGES.filter((s) => !capabilitiesAt(s.slug).highAvailability).map((s) => s.slug as StageSlug);
const instanceOf = (json: ReturnType<typeof synthClassifyHub>) => json.resource.aws_instance.docker_host_instance as { user_data?: string; user_data_base64?: string };

describe('user data size', () => {
  // Every host stage of dev, and every environment at the stage-11 configuration (the largest) with its own names.
  const cases: Array<[string, ReturnType<typeof synthClassifyHub>]> = [
    ...hostStages.map((slug) => [`dev ${slug}`, synthClassifyHub(atStage(dev, slug))] as [string, ReturnType<typeof synthClassifyHub>]),
    ...loadAllEnvironments().filter((e) => e.name !== 'dev').map((e) => [`${e.name} ${LAST_DOCKER_HOST_STAGE}`, synthClassifyHub(atStage(e, LAST_DOCKER_HOST_STAGE))] as [string, ReturnType<typeof synthClassifyHub>]),
  ];

  test.each(cases)('%s: gzip-compressed below 12 KB, as EC2 receives it', (_name, json) => {
    const instance = instanceOf(json);
    expect(instance.user_data).toBeUndefined();
    const raw = Buffer.from(instance.user_data_base64!, 'base64');
    expect(raw.subarray(0, 2).toString('hex')).toBe('1f8b'); // gzip magic: cloud-init decompresses it
    expect(raw.length).toBeLessThan(TARGET_BYTES);
    expect(instance.user_data_base64!.length).toBeLessThan(16_384);
    expect(gunzipSync(raw).toString('utf8')).toBe(userDataOf(json));
  });

  test('compression is deterministic and platform-independent (mtime 0, OS byte 3)', () => {
    const a = gzipUserData('x'.repeat(1000));
    expect(a.equals(gzipUserData('x'.repeat(1000)))).toBe(true);
    expect(a.readUInt32LE(4)).toBe(0);
    expect(a[9]).toBe(3);
    expect(userDataBytes('abc')).toBe(3);
    expect(userDataBytes('y'.repeat(20_000), 'gzip')).toBeLessThan(100);
  });
});

describe('compose plugin download', () => {
  const boot = userDataOf(synthClassifyHub(atStage(dev, '01-monolith')));
  const start = boot.indexOf('if ! "$plugin" version');
  const snippet = boot.slice(start, boot.indexOf('\nfi\n', start) + 3);

  test('the checksum comes from the repository, not from a download next to the binary', () => {
    expect(snippet).not.toContain('.sha256');
    for (const [arch, sum] of Object.entries(COMPOSE_PLUGIN_SHA256)) {
      expect(sum).toMatch(/^[0-9a-f]{64}$/);
      expect(snippet).toContain(`${arch}) sum=${sum} ;;`);
    }
    expect(snippet).toContain(`/download/${COMPOSE_PLUGIN_VERSION}/docker-compose-linux-$arch`);
  });

  /** Runs the boot script's install block with curl and uname replaced: "downloads" `payload`. */
  const install = (payload: string, arch = 'x86_64') => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-install-'));
    try {
      fs.writeFileSync(path.join(dir, 'payload'), payload);
      const script = [
        'set -euo pipefail',
        `plugin=${dir}/docker-compose-installed`,
        `uname() { echo ${arch}; }`,
        `curl() { cp ${dir}/payload "$3"; }`,
        `install() { cp "$3" "$4"; }`,
        snippet.replaceAll('/tmp/docker-compose', `${dir}/download`),
      ].join('\n');
      const result = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
      return { status: result.status, stderr: result.stderr, installed: fs.existsSync(`${dir}/docker-compose-installed`) };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  test('a binary whose hash differs from the committed one is refused and not installed', () => {
    const refused = install('not the compose plugin');
    expect(refused.status).not.toBe(0);
    expect(refused.installed).toBe(false);
    expect(refused.stderr).toMatch(/FAILED|did NOT match/);
  });

  test('an unknown architecture stops the boot script', () => {
    const refused = install('x', 'riscv64');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('no pinned compose checksum for riscv64');
  });

  test('a binary matching the committed hash is installed (hash table swapped for the fixture\'s)', () => {
    const payload = 'fixture binary';
    const sum = createHash('sha256').update(payload).digest('hex');
    const patched = snippet.replace(COMPOSE_PLUGIN_SHA256.x86_64, sum);
    expect(patched).not.toBe(snippet);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-install-'));
    try {
      fs.writeFileSync(path.join(dir, 'payload'), payload);
      execFileSync('bash', ['-c', [
        'set -euo pipefail', `plugin=${dir}/installed`, 'uname() { echo x86_64; }', `curl() { cp ${dir}/payload "$3"; }`, 'install() { cp "$3" "$4"; }',
        patched.replaceAll('/tmp/docker-compose', `${dir}/download`),
      ].join('\n')]);
      expect(fs.readFileSync(`${dir}/installed`, 'utf8')).toBe(payload);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
