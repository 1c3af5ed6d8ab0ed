import { Construct } from 'constructs';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { validateProps, withDefaults } from '../core/props';
import { IGrantable } from '../iam/policy';
import { actionsVerb, grantStatement } from '../iam/grant';
import { CONTAINER_REPOSITORY_DEFAULTS } from './defaults';

export interface ContainerRepositoryProps {
  /** Repository name, e.g. "classifyhub-dev/backend". */
  readonly repositoryName: string;
  /**
   * Days after which untagged images are expired.
   * @default 14
   */
  readonly untaggedImageExpiryDays?: number;
  /**
   * Images kept (rule 2 counts tagged and untagged images); older ones are expired.
   * @default 100
   */
  readonly maxTaggedImages?: number;
}

/**
 * An ECR repository for one application image: immutable tags, scan on push,
 * encrypted, with a lifecycle policy. Hosts pull with `grantPull(role)`.
 */
export class ContainerRepository extends Construct {
  readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: ContainerRepositoryProps) {
    super(scope, id);
    const p = withDefaults(CONTAINER_REPOSITORY_DEFAULTS, props);
    validateProps('ContainerRepository', p, [
      { field: 'repositoryName', valid: (x) => /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(x.repositoryName) && x.repositoryName.length <= 256, expected: 'a lower-case ECR repository name such as team/app' },
      { field: 'untaggedImageExpiryDays', valid: (x) => Number.isInteger(x.untaggedImageExpiryDays) && x.untaggedImageExpiryDays >= 1, expected: 'a whole number of days >= 1' },
      { field: 'maxTaggedImages', valid: (x) => Number.isInteger(x.maxTaggedImages) && x.maxTaggedImages >= 1, expected: 'a whole number >= 1' },
    ]);
    this.repository = new EcrRepository(this, 'repository', {
      name: p.repositoryName,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'AES256' }],
      forceDelete: false,
    });
    new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          { rulePriority: 1, description: 'expire untagged images', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: p.untaggedImageExpiryDays }, action: { type: 'expire' } },
          { rulePriority: 2, description: 'keep the newest tagged images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: p.maxTaggedImages }, action: { type: 'expire' } },
        ],
      }),
    });
  }

  get repositoryUrl(): string {
    return this.repository.repositoryUrl;
  }

  /**
   * Lets the grantee perform `actions` (e.g. 'ecr:DescribeImages') on the repository; the statement id
   * is the actions' names followed by the repository's construct path.
   */
  grant(grantee: IGrantable, ...actions: string[]): void {
    grantStatement(grantee, { verb: actionsVerb(actions), resource: this, actions, resources: [this.repository.arn] });
  }

  /** Lets the grantee pull images from this repository (sids `Pull<path>`, `EcrLoginFor<path>`). */
  grantPull(grantee: IGrantable): void {
    grantStatement(grantee, { verb: 'Pull', resource: this, actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], resources: [this.repository.arn] });
    // GetAuthorizationToken is account-wide: IAM does not allow scoping it to a repository.
    grantStatement(grantee, { verb: 'EcrLoginFor', resource: this, actions: ['ecr:GetAuthorizationToken'], resources: ['*'] });
  }
}
