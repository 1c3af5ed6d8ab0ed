/** Defaults of the Secret construct. */
export const SECRET_DEFAULTS = {
  /** Days a deleted secret can still be restored. */
  recoveryWindowDays: 7,
} as const;
