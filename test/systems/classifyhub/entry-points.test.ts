/**
 * Issue 15 (3): stage 7 that arrives. Stages 3-6 expose the frontend, the API
 * and search each on its own TLS port (seed 001's deployment diagrams: the
 * browser calls the backend and the search container directly); stage 7 makes
 * the API gateway the only entry point, routing by path, and the diff 06 -> 07
 * shows it. The edge configuration is run with the real nginx against
 * loopback stand-ins of the three services.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { loadEnvironment } from '../../../environments/lib/load';
import { classifyHubNames } from '../../../systems/classifyhub/names';
import { capabilitiesAt, IMPLEMENTED_STAGES, type StageSlug } from '../../../systems/classifyhub/stages';
import { DIRECT_PORTS } from '../../../systems/classifyhub/host/runtime';
import { diffStack } from '../../../scripts/lib/diff';
import { hostFilesOf, synthClassifyHub, SynthJson } from '../../helpers';

type Res = Record<string, any>;
const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const dev = loadEnvironment('dev');
const appDomain = classifyHubNames(dev).appDomain;
const HOST_STAGES = IMPLEMENTED_STAGES.filter((s) => !capabilitiesAt(s.slug).highAvailability).map((s) => s.slug as StageSlug);
const synthesized = new Map<StageSlug, SynthJson>(HOST_STAGES.map((slug) => [slug, synthClassifyHub('dev', slug)]));
const at = (slug: StageSlug) => synthesized.get(slug)!;
const ingress = (json: SynthJson) =>
  Object.entries((json.resource.aws_vpc_security_group_ingress_rule ?? {}) as Record<string, Res>)
    .filter(([name]) => name.startsWith('docker_host_ingress_'))
    .map(([, r]) => `${r.from_port}: ${r.description}`)
    .sort();
const compose = (json: SynthJson) => parse(hostFilesOf(json).get('/opt/classifyhub/docker-compose.yml')!) as { services: Record<string, Res> };
const outputs = (json: SynthJson) => (json.output ?? {}) as Record<string, { value?: unknown } | undefined>;
const nginxConf = (json: SynthJson) => hostFilesOf(json).get('/opt/classifyhub/gateway/nginx.conf')!;

describe('public entry points per stage (Terraform and compose)', () => {
  test.each(HOST_STAGES.map((s) => [s]))('%s', (slug) => {
    const caps = capabilitiesAt(slug);
    const json = at(slug);
    const direct = caps.frontend && !caps.apiGateway ? [DIRECT_PORTS.api, ...(caps.search ? [DIRECT_PORTS.search] : [])] : [];
    const expected = [
      `443: ${caps.apiGateway ? 'HTTPS to the API gateway, the single entry point' : caps.frontend ? 'HTTPS to the frontend' : 'HTTPS to the backend'}`,
      '80: HTTP: redirects to HTTPS and ACME challenges',
      ...(direct.includes(DIRECT_PORTS.api) ? [`${DIRECT_PORTS.api}: HTTPS to the backend's API`] : []),
      ...(direct.includes(DIRECT_PORTS.search) ? [`${DIRECT_PORTS.search}: HTTPS to the search service`] : []),
    ].sort();
    expect(ingress(json)).toEqual(expected);
    const edge = compose(json).services[caps.apiGateway ? 'api-gateway' : 'tls-proxy'];
    expect(edge.ports).toEqual(['80:80', '443:443', ...direct.map((p) => `${p}:${p}`)]);
    const frontendEnv = compose(json).services.frontend?.environment;
    if (!caps.frontend) expect(frontendEnv).toBeUndefined();
    else if (caps.apiGateway) expect(frontendEnv).toEqual({ PORT: '8080', API_BASE_PATH: '/api' });
    else {
      expect(frontendEnv).toEqual({
        PORT: '8080',
        API_BASE_URL: `https://${appDomain}:${DIRECT_PORTS.api}/api`,
        ...(caps.search ? { SEARCH_URL: `https://${appDomain}:${DIRECT_PORTS.search}/search` } : {}),
      });
    }
    expect(outputs(json).api_url?.value).toBe(direct.length ? `https://${appDomain}:${DIRECT_PORTS.api}/api` : undefined);
    expect(outputs(json).search_url?.value).toBe(direct.length > 1 ? `https://${appDomain}:${DIRECT_PORTS.search}/search` : undefined);
    expect(outputs(json).api_gateway_routes?.value).toEqual(caps.apiGateway ? { '/': 'frontend', '/api/': 'backend', '/search': 'search' } : undefined);
    // The rate limiter of stage 11 sits in the gateway, on the routes to the API and search.
    expect((nginxConf(json).match(/access_by_lua_block/g) ?? []).length).toBe(caps.rateLimiting ? 2 : 0);
  });
});

describe('the synth diff 06 -> 07 shows the gateway arrive', () => {
  const diff = diffStack('classifyhub-dev', at('06-cache') as never, at('07-api-gateway') as never);

  test('the direct ports close, 443 becomes the gateway, the routes appear as an output', () => {
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual(['aws_vpc_security_group_ingress_rule.docker_host_ingress_8443', 'aws_vpc_security_group_ingress_rule.docker_host_ingress_9443']);
    const changed = Object.fromEntries(diff.changed.map((c) => [c.address, c.changes]));
    expect(Object.keys(changed).sort()).toEqual(['aws_instance.docker_host_instance', 'aws_vpc_security_group_ingress_rule.docker_host_ingress_443']);
    expect(changed['aws_vpc_security_group_ingress_rule.docker_host_ingress_443']).toEqual([
      expect.objectContaining({ path: 'description', before: 'HTTPS to the frontend', after: 'HTTPS to the API gateway, the single entry point' }),
    ]);
    const settings = diff.settings.map((s) => `${s.kind} ${s.path}`);
    expect(settings).toEqual(expect.arrayContaining(['removed output.api_url', 'removed output.search_url']));
    expect(settings.some((s) => s.startsWith('added output.api_gateway_routes'))).toBe(true);
  });
});

/** A free loopback port (closed again: nginx binds it right after). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, method: string, urlPath: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, method, path: urlPath, servername: appDomain, rejectUnauthorized: false, headers: { host: appDomain, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The stage's nginx.conf, run by the real nginx: ports moved to free loopback ports, the services
 * (Docker DNS names) to loopback stand-ins that answer with their name and the path they received.
 */
describe.each([['06-cache' as StageSlug], ['07-api-gateway' as StageSlug]])('%s edge, served by nginx', (slug) => {
  const upstreams: http.Server[] = [];
  const ports: Record<string, number> = {};
  let nginx: ChildProcess;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'entry-points-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${appDomain}`, '-keyout', `${dir}/privkey.pem`, '-out', `${dir}/fullchain.pem`], { stdio: 'ignore' });
    let conf = nginxConf(at(slug));
    for (const service of ['backend', 'frontend', 'search']) {
      const server = http.createServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ service, method: req.method, path: req.url }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      upstreams.push(server);
      conf = conf.replace(new RegExp(`http://${service}:\\d+`, 'g'), `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    }
    for (const listen of [443, 80, DIRECT_PORTS.api, DIRECT_PORTS.search, 8081]) {
      ports[listen] = await freePort();
      conf = conf.replace(new RegExp(`listen ${listen}( |;)`), `listen 127.0.0.1:${ports[listen]}$1`);
    }
    conf = conf
      .replaceAll('/etc/classifyhub/tls', dir)
      .replaceAll('/var/www/acme', dir)
      .replace('error_log /dev/stderr warn;', `error_log ${dir}/error.log warn;\npid ${dir}/nginx.pid;`)
      .replace('access_log /dev/stdout;', 'access_log off;');
    fs.writeFileSync(`${dir}/nginx.conf`, conf);
    nginx = spawn(NGINX, ['-p', dir, '-c', `${dir}/nginx.conf`, '-e', `${dir}/error.log`, '-g', 'daemon off;'], { stdio: 'ignore' });
    // Ready when the health port answers.
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((r) => http.get({ host: '127.0.0.1', port: ports[8081], path: '/healthz' }, (res) => r(res.statusCode === 200)).on('error', () => r(false)));
      if (up) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`nginx did not start: ${fs.existsSync(`${dir}/error.log`) ? fs.readFileSync(`${dir}/error.log`, 'utf8') : ''}`);
  });

  afterAll(async () => {
    nginx?.kill('SIGQUIT');
    await new Promise((r) => (nginx?.exitCode !== null ? r(undefined) : nginx.once('exit', r)));
    await Promise.all(upstreams.map((s) => new Promise((r) => s.close(r))));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const served = async (port: number, method: string, p: string) => JSON.parse((await request(port, method, p)).body) as { service: string; path: string };

  if (slug === '06-cache') {
    test('443 serves only the frontend: no path routing', async () => {
      expect(await served(ports[443], 'GET', '/')).toMatchObject({ service: 'frontend', path: '/' });
      expect(await served(ports[443], 'GET', '/api/posts')).toMatchObject({ service: 'frontend', path: '/api/posts' });
    });

    test("the API's own port reaches the backend, with CORS for the SPA's origin", async () => {
      expect(await served(ports[DIRECT_PORTS.api], 'POST', '/api/posts')).toMatchObject({ service: 'backend', path: '/api/posts' });
      const reply = await request(ports[DIRECT_PORTS.api], 'GET', '/api/posts');
      expect(reply.headers['access-control-allow-origin']).toBe(`https://${appDomain}`);
      expect(reply.headers['strict-transport-security']).toMatch(/max-age=31536000/);
      const preflight = await request(ports[DIRECT_PORTS.api], 'OPTIONS', '/api/posts', { origin: `https://${appDomain}`, 'access-control-request-method': 'POST' });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-methods']).toContain('POST');
      expect(preflight.headers['access-control-allow-headers']).toContain('Authorization');
    });

    test("search's own port answers queries of the posts index only", async () => {
      expect(await served(ports[DIRECT_PORTS.search], 'GET', '/search')).toMatchObject({ service: 'search', path: '/posts/_search' });
      expect((await request(ports[DIRECT_PORTS.search], 'DELETE', '/search')).status).toBe(403);
      expect((await request(ports[DIRECT_PORTS.search], 'GET', '/posts/_doc/1')).status).toBe(404);
      expect((await request(ports[DIRECT_PORTS.search], 'OPTIONS', '/search')).headers['access-control-allow-origin']).toBe(`https://${appDomain}`);
    });
  } else {
    test('443 is the API gateway: UI, API and search by path', async () => {
      expect(await served(ports[443], 'GET', '/')).toMatchObject({ service: 'frontend', path: '/' });
      expect(await served(ports[443], 'GET', '/api/posts')).toMatchObject({ service: 'backend', path: '/api/posts' });
      expect(await served(ports[443], 'POST', '/search')).toMatchObject({ service: 'search', path: '/posts/_search' });
      expect((await request(ports[443], 'DELETE', '/search')).status).toBe(403);
    });

    test('no other port serves anything', async () => {
      const conf = nginxConf(at(slug));
      expect(conf).not.toMatch(new RegExp(`listen (${DIRECT_PORTS.api}|${DIRECT_PORTS.search})`));
      await expect(request(ports[DIRECT_PORTS.api], 'GET', '/api/posts')).rejects.toThrow(/ECONNREFUSED/);
    });
  }
});
