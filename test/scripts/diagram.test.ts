/**
 * `npm run diagram`: the Mermaid diagram of every stage is well-formed (a
 * structural check: header, balanced subgraphs, unique ids, declared edge
 * endpoints), shows the seed's data flows derived from the configuration, and
 * matches the committed docs/diagrams/ files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildDiagram, checkMermaid, renderMermaid, type DiagramModel, type StackJson } from '../../scripts/lib/diagram';
import { diagramDocument } from '../../scripts/diagram';
import { loadEnvironment } from '../../environments/lib/load';
import { atStage } from '../../systems/classifyhub/app';
import { IMPLEMENTED_STAGES, type StageSlug } from '../../systems/classifyhub/stages';
import { synthClassifyHub } from '../helpers';

const REPO = path.resolve(__dirname, '..', '..');
const stacks = new Map<string, StackJson>();
const models = new Map<string, DiagramModel>();
const stackAt = (stage: StageSlug): StackJson => {
  if (!stacks.has(stage)) stacks.set(stage, synthClassifyHub('dev', stage) as unknown as StackJson);
  return stacks.get(stage)!;
};
const modelAt = (stage: StageSlug): DiagramModel => {
  if (!models.has(stage)) models.set(stage, buildDiagram(stackAt(stage)));
  return models.get(stage)!;
};

/** "from -> to: labels" of every edge, with node ids replaced by their labels (readable assertions). */
function flows(model: DiagramModel): string[] {
  const name = (id: string) => model.nodes.find((n) => n.id === id)?.label ?? model.groups.find((g) => g.id === id)?.label ?? id;
  return model.edges.map((e) => `${name(e.from)} -> ${name(e.to)}${e.labels.length ? `: ${e.labels.join(', ')}` : ''}`);
}

describe('diagram of every stage', () => {
  it.each(IMPLEMENTED_STAGES.map((s) => s.slug as StageSlug))('%s is a well-formed Mermaid flowchart', (stage) => {
    const text = renderMermaid(modelAt(stage));
    expect(checkMermaid(text)).toEqual([]);
  });
});

describe('data flows and grouping', () => {
  it('stage 1: users reach the gateway container on the host over 443; the backend uses PostgreSQL', () => {
    const f = flows(modelAt('01-monolith'));
    expect(f).toEqual(expect.arrayContaining(['Users -> tls-proxy: HTTPS :443', 'tls-proxy -> backend', 'backend -> postgres', 'Route 53 dev.classifyhub.example.com -> EC2 Docker host: A']));
    const host = modelAt('01-monolith').groups.find((g) => g.label === 'EC2 Docker host')!;
    expect(modelAt('01-monolith').groups.find((g) => g.id === host.parent)!.label).toBe('public subnets');
  });

  it('stage 5: the browser reaches the frontend, the API and search on their own ports; stage 7: only the gateway', () => {
    expect(flows(modelAt('05-search'))).toContain('Users -> tls-proxy: HTTPS :443, HTTPS :8443, HTTPS :9443');
    expect(flows(modelAt('07-api-gateway')).filter((f) => f.startsWith('Users ->') && f.includes('HTTPS'))).toEqual(['Users -> api-gateway: HTTPS :443']);
  });

  it('stage 11: gateway routes UI, API and search and counts in Redis; reads go to the replica; the worker consumes and e-mails', () => {
    const f = flows(modelAt('11-rate-limiting'));
    expect(f).toEqual(
      expect.arrayContaining([
        'api-gateway -> backend',
        'api-gateway -> frontend',
        'api-gateway -> search',
        'api-gateway -> redis',
        'backend -> postgres-replica',
        'postgres -> postgres-replica: replication',
        'backend -> S3 images: read, read/write',
        'backend -> SQS notifications',
        'notification-worker -> SQS notifications',
        'notification-worker -> SES: send e-mail',
        'CloudFront -> S3 images: origin images',
        'SQS notifications -> SQS notifications-dlq: dead letters',
      ]),
    );
    expect(f).not.toContain('postgres-replica -> postgres');
  });

  it('stage 12: ALB → gateway → services, data stores by security-group port, IAM flows per service', () => {
    const model = modelAt('12-high-availability');
    const f = flows(model);
    expect(f).toEqual(
      expect.arrayContaining([
        'Users -> ALB: HTTPS :443',
        'ALB -> ECS api-gateway: :8080',
        'ECS api-gateway -> ECS backend: :8080',
        'ECS api-gateway -> ECS frontend: :8080',
        'ECS api-gateway -> ElastiCache redis: :6379',
        'ECS api-gateway -> ECS search-proxy: :8005',
        'ECS search-proxy -> OpenSearch: :443',
        'WAF alb -> ALB: filters',
        'ECS backend -> RDS postgres Multi-AZ DB cluster: :5432',
        'ECS backend -> SQS notifications: send',
        'ECS worker -> SQS notifications: consume',
        'ECS worker -> SES: send e-mail',
        'ALB -> S3 alb-logs: access logs',
      ]),
    );
    const groupOf = (labelText: string) => model.groups.find((g) => g.id === model.nodes.find((n) => n.label === labelText)!.group)!.label;
    expect(groupOf('ALB')).toBe('public subnets');
    expect(groupOf('ECS backend')).toBe('private subnets');
    expect(groupOf('RDS postgres Multi-AZ DB cluster')).toBe('private subnets');
    // Issue 15: the readable standbys of the cluster take the reads; no separate asynchronous replica.
    expect(f.filter((x) => /read replica/.test(x))).toEqual([]);
    expect(groupOf('S3 images')).toBe('Region us-east-1');
    expect(groupOf('CloudFront')).toBe('Global');
  });

  it('stage 13: alarms go to the on-call topic, which e-mails the on-call engineers', () => {
    expect(flows(modelAt('13-observability'))).toEqual(expect.arrayContaining(['CloudWatch alarms (33) -> SNS oncall: alarm', 'SNS oncall -> On-call engineers: email']));
  });

  it('stage 14: one region group per region, Route 53 routes continents to their ALB', () => {
    const model = modelAt('14-multi-region');
    expect(model.groups.filter((g) => g.parent === undefined).map((g) => g.label)).toEqual(['Global', 'Region us-east-1', 'Region eu-west-1', 'Region ap-southeast-1']);
    const regionOfAlb = (e: { to: string }) => model.groups.find((g) => g.id === model.groups.find((v) => v.id === model.groups.find((t) => t.id === model.nodes.find((n) => n.id === e.to)!.group)!.parent)!.parent)!.label;
    const routes = model.edges.filter((e) => e.from === 'route53').map((e) => `${e.labels.join(', ')} -> ${regionOfAlb(e)}`);
    expect(routes.sort()).toEqual(['AS -> Region ap-southeast-1', 'EU -> Region eu-west-1', 'default, NA -> Region us-east-1']);
  });
});

describe('structural check', () => {
  it('finds unbalanced subgraphs, duplicate ids, undeclared endpoints and reserved ids', () => {
    const text = ['flowchart LR', '  a["A"]', '  subgraph g["G"]', '    a["again"]', '    end["x"]', '  a --> b', '  c -->|"x"| a'].join('\n');
    expect(checkMermaid(text)).toEqual([
      'line 4: id a declared twice',
      '1 subgraph(s) not closed',
      'reserved word used as id: end',
      'line 6: edge to undeclared b',
      'line 7: edge from undeclared c',
    ]);
    expect(checkMermaid('graph\n')).toEqual(['first line must be "flowchart <direction>", got "graph"']);
  });
});

describe('docs/diagrams', () => {
  it.each(IMPLEMENTED_STAGES.map((s) => s.slug))('%s.md is up to date (regenerate with npm run diagram -- --all-stages)', (slug) => {
    const committed = fs.readFileSync(path.join(REPO, 'docs', 'diagrams', `${slug}.md`), 'utf8');
    const stage = IMPLEMENTED_STAGES.find((s) => s.slug === slug)!;
    const expected = diagramDocument({ title: `Stage ${slug}: ${stage.title}`, environment: atStage(loadEnvironment('dev'), slug as StageSlug), stage }, stackAt(slug as StageSlug));
    expect(committed).toBe(expected);
  });
});
