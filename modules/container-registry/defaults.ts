/** Defaults of the ContainerRepository construct. */
export const CONTAINER_REPOSITORY_DEFAULTS = {
  /** Untagged images are expired after this many days. */
  untaggedImageExpiryDays: 14,
  /** Tagged images beyond this count are expired, oldest first. */
  maxTaggedImages: 100,
} as const;
