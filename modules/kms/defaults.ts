/** Defaults of customerManagedKey. */
export const KEY_DEFAULTS = {
  /** Days a deleted key stays recoverable (pass the tier profile's keyDeletionWindowDays). */
  deletionWindowDays: 30,
} as const;
