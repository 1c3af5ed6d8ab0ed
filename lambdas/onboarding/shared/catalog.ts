/**
 * The product catalog contract of seed 002 as data: CSV columns (= products columns), their
 * limits, the validation rules and their error types, and the statuses. Parser and validator
 * both read from here, so a limit is changed in one place.
 */

/** Columns a vendor CSV may carry, with the products column limits (seed section 6). */
export const PRODUCT_COLUMNS = {
  vendor_product_id: { required: true, maxLength: 100 },
  product_name: { required: true, maxLength: 200 },
  category: { required: true, maxLength: 100 },
  subcategory: { required: false, maxLength: 100 },
  description: { required: false, maxLength: undefined },
  sku: { required: true, maxLength: 100 },
  brand: { required: false, maxLength: 100 },
  price: { required: true, maxLength: undefined },
  compare_at_price: { required: false, maxLength: undefined },
  stock_quantity: { required: true, maxLength: undefined },
  unit: { required: false, maxLength: 20 },
  weight_kg: { required: false, maxLength: undefined },
  dimensions_cm: { required: false, maxLength: 50 },
  image_url: { required: false, maxLength: undefined },
} as const;

export type ProductColumn = keyof typeof PRODUCT_COLUMNS;
export const COLUMN_NAMES = Object.keys(PRODUCT_COLUMNS) as ProductColumn[];
export const REQUIRED_COLUMNS = COLUMN_NAMES.filter((c) => PRODUCT_COLUMNS[c].required);

/** Numeric limits of the seven rules (seed section 7) and of the DECIMAL columns. */
export const LIMITS = {
  priceMin: 0.01,
  priceMax: 999_999.99,
  stockMin: 0,
  stockMax: 1_000_000,
  /** DECIMAL(10,2): compare_at_price. */
  compareAtPriceMax: 99_999_999.99,
  /** DECIMAL(10,3): weight_kg. */
  weightKgMax: 9_999_999.999,
  /**
   * Longest CSV record the parser accepts, in characters. A DynamoDB item may hold 400 KB; at
   * four bytes per character this stays below it, and it stops an unclosed quote from
   * buffering the rest of the file.
   */
  maxRecordChars: 100_000,
} as const;

/** error_type values: the seed's seven rules, then the two this implementation adds. */
export const ERROR_TYPES = [
  'MISSING_REQUIRED_FIELDS',
  'INVALID_PRICE',
  'INVALID_STOCK_QUANTITY',
  'FIELD_LENGTH_EXCEEDED',
  'INVALID_CATEGORY',
  'DUPLICATE_SKU',
  'DUPLICATE_VENDOR_PRODUCT_ID',
  'MALFORMED_ROW',
  'INVALID_FIELD_FORMAT',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

export const UPLOAD_STATUSES = ['processing', 'completed', 'partial', 'failed'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

/** Status of an item in the UploadRecords staging table. */
export const RECORD_STATUSES = ['pending_validation', 'validated', 'error'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** Folder of the bucket the parser accepts uploads from, and where error reports go. */
export const UPLOADS_PREFIX = 'uploads/';
export const ERRORS_PREFIX = 'errors/';

/** Seed: presigned URLs of the error report are valid for 7 days (the SigV4 maximum). */
export const ERROR_REPORT_URL_TTL_SECONDS = 7 * 24 * 3600;

/** Custom CloudWatch metrics of seed section 7, plus the parser's own. */
export const METRICS = {
  productsValidated: 'ProductsValidated',
  productsRejected: 'ProductsRejected',
  validationProcessingTime: 'ValidationProcessingTime',
  errorsProcessed: 'ErrorsProcessed',
  recordsStaged: 'RecordsStaged',
  uploadsFailed: 'UploadsFailed',
  notificationsPublished: 'NotificationsPublished',
} as const;

/**
 * Header names are matched after trimming, lower-casing and turning spaces and hyphens into
 * underscores, so "Product Name" and "product-name" both mean product_name.
 */
export function normalizeHeader(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/**
 * "Required" means at least one visible character: a value made only of white space, control or
 * format characters (zero-width space, BOM, bidi marks), default-ignorable code points (Hangul
 * filler, variation selectors) or lone combining marks is treated as missing.
 */
const VISIBLE = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Zs}\p{Zl}\p{Zp}\p{M}\p{Default_Ignorable_Code_Point}\u2800]/u;
export function hasVisibleCharacter(value: string | undefined): boolean {
  return value !== undefined && VISIBLE.test(value);
}

/** C0/C1 control characters other than tab, LF and CR (which quoted CSV fields may hold). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
export function firstControlCharacter(value: string): { index: number; codePoint: string } | undefined {
  const m = CONTROL.exec(value);
  return m ? { index: m.index, codePoint: `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` } : undefined;
}

/**
 * Text as PostgreSQL can store it: TEXT/VARCHAR/JSONB cannot hold U+0000, so it is written as the
 * visible "\u0000". Used for everything the failure paths write (reasons, messages, the original
 * row of an error), so a path that reports bad input cannot itself fail on that input.
 */
export function pgSafe(value: string): string {
  return value.includes('\u0000') ? value.replace(/\u0000/g, '\\u0000') : value;
}

/** pgSafe for every string of a flat record (the original row stored with an error). */
export function pgSafeRecord<T extends Record<string, string | undefined>>(record: T): T {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(record)) out[pgSafe(k)] = v === undefined ? v : pgSafe(v);
  return out as T;
}

/**
 * Category names are matched in code, not with SQL lower(), so the result does not depend on the
 * database's collation or ctype: Unicode NFC, then the locale-independent String#toLowerCase.
 */
export function categoryKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** Upload keys must end in .csv, in any case (.csv, .CSV, .Csv); the S3 trigger lists every spelling. */
export function hasCsvSuffix(key: string): boolean {
  return key.toLowerCase().endsWith('.csv');
}

/** Characters as PostgreSQL counts them for VARCHAR(n) (code points, not UTF-16 units). */
export function charLength(value: string): number {
  const surrogatePairs = value.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g);
  return value.length - (surrogatePairs ? surrogatePairs.length : 0);
}
