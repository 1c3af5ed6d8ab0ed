/** Defaults of the Queue construct. */
export const QUEUE_DEFAULTS = {
  /** Seconds a received message stays invisible to other consumers. */
  visibilityTimeoutSeconds: 60,
  /** Seconds a message is kept (4 days). */
  retentionSeconds: 345_600,
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: 5,
  /** Seconds messages are kept in the dead-letter queue (14 days, the maximum). */
  deadLetterRetentionSeconds: 1_209_600,
  /** Long polling wait, seconds. */
  receiveWaitTimeSeconds: 20,
} as const;
