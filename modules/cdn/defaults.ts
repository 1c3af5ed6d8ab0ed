/** Defaults of the Distribution construct (AWS-managed policy ids are global constants). */
export const DISTRIBUTION_DEFAULTS = {
  /** Edge locations used: PriceClass_100 is North America and Europe. */
  priceClass: 'PriceClass_100' as 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All',
  /** Viewer TLS policy: TLS 1.2 and later only. */
  minimumProtocolVersion: 'TLSv1.2_2021' as 'TLSv1.2_2019' | 'TLSv1.2_2021' | 'TLSv1.3_2025',
  /** Path pattern served from the bucket. */
  bucketPathPattern: 'images/*',
  /** Managed-CachingOptimized. */
  cachingOptimizedPolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
  /** Managed-AllViewerExceptHostHeader. */
  allViewerExceptHostPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
  /** Managed-SecurityHeadersPolicy (HSTS, X-Content-Type-Options, X-Frame-Options...). */
  securityHeadersPolicyId: '67f7725c-6f97-4210-82d7-5512b31e9d03',
} as const;
