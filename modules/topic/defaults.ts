/** Defaults of the Topic construct. */
export const TOPIC_DEFAULTS = {
  /** The AWS managed key alias/aws/sns: publishers need no KMS grant (AWS services cannot publish: use 'customer-managed'). */
  encryption: 'aws-managed' as 'aws-managed' | 'customer-managed',
  /** Days a deleted customer managed key stays recoverable. */
  keyDeletionWindowDays: 30,
} as const;

/** Fixed settings of every topic. */
export const TOPIC_SETTINGS = {
  /** Key of an 'aws-managed' topic. */
  awsManagedKey: 'alias/aws/sns',
  /** Longest topic name SNS accepts. */
  maxNameLength: 256,
} as const;

/** E-mail addresses the topic accepts (one rule for on-call and product notifications). */
export const EMAIL_PATTERN = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
