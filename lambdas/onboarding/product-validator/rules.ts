/**
 * The seven validation rules of seed 002 (section 7), as pure functions.
 *
 * Row rules (no database): 1 required fields, 2 price 0.01–999,999.99, 3 stock 0–1,000,000,
 * 4 field lengths per the products columns. Set rules, decided for a whole batch from lookups
 * that the validator makes with one query each: 5 category whitelist, 6 SKU unique across the
 * catalog, the upload and the batch, 7 vendor product ID unique per vendor.
 *
 * Two error types are added: MALFORMED_ROW (the parser found the row's structure broken) and
 * INVALID_FIELD_FORMAT (an optional numeric column, compare_at_price or weight_kg, is not a
 * number that fits its DECIMAL column; a value holds a control character such as NUL, which
 * PostgreSQL cannot store; or the database refused the row for another data reason).
 *
 * "Required" means at least one visible character (see hasVisibleCharacter); lengths are counted
 * in characters (code points), as VARCHAR(n) counts them; categories are matched with a
 * locale-independent fold in code (categoryKey), not with the database's lower().
 */
import { COLUMN_NAMES, LIMITS, PRODUCT_COLUMNS, REQUIRED_COLUMNS, categoryKey, charLength, firstControlCharacter, hasVisibleCharacter, type ErrorType, type ProductColumn } from '../shared/catalog';
import type { RowError } from '../shared/messages';
import type { StagedRecord } from '../shared/staging';

/** A row ready for INSERT INTO products. */
export interface ProductRow {
  readonly vendor_id: string;
  readonly vendor_product_id: string;
  readonly product_name: string;
  readonly category: string;
  readonly subcategory: string | null;
  readonly description: string | null;
  readonly sku: string;
  readonly brand: string | null;
  /** Exact decimal text, e.g. "19.99". */
  readonly price: string;
  readonly compare_at_price: string | null;
  readonly stock_quantity: number;
  readonly unit: string;
  readonly weight_kg: string | null;
  readonly dimensions_cm: string | null;
  readonly image_url: string | null;
  readonly upload_id: string;
  readonly source_record_id: string;
}

export interface RowCheck {
  readonly errors: RowError[];
  /** Present when rules 1–4 pass; the category is still the file's spelling. */
  readonly product?: ProductRow;
}

const quote = (v: string, max = 40): string => `'${v.length > max ? `${v.slice(0, max)}…` : v}'`;

/** Columns with a VARCHAR(n) limit, as [column, n]. */
const LENGTH_LIMITED = COLUMN_NAMES.flatMap((c): [ProductColumn, number][] => {
  const max = PRODUCT_COLUMNS[c].maxLength;
  return max === undefined ? [] : [[c, max]];
});

/** hasVisibleCharacter, with a fast path: any printable ASCII character is visible. */
const ASCII_GRAPHIC = /[!-~]/;
const visible = (v: string | undefined): boolean => v !== undefined && (ASCII_GRAPHIC.test(v) || hasVisibleCharacter(v));

const DECIMAL = /^\d+(\.\d+)?$/;
const SIGNED_DECIMAL = /^[+-]?\d+(\.\d+)?$|^[+-]?\.\d+$/;

function err(error_type: ErrorType, error_field: string | null, message: string): RowError {
  return { error_type, error_field, message };
}

/** Rule 2 (and compare_at_price): a price with at most two decimals within [min, max]. */
export function checkPrice(field: string, raw: string, max: number, type: ErrorType): RowError | string {
  if (!SIGNED_DECIMAL.test(raw)) return err(type, field, `${field} ${quote(raw)} is not a number (use digits and a dot, e.g. 19.99)`);
  const n = Number(raw);
  if (n < LIMITS.priceMin) return err(type, field, `${field} must be >= ${LIMITS.priceMin.toFixed(2)}, got ${raw}`);
  if (n > max) return err(type, field, `${field} must be <= ${max.toLocaleString('en-US', { minimumFractionDigits: 2 })}, got ${raw}`);
  const dot = raw.indexOf('.');
  if (dot >= 0 && raw.length - dot - 1 > 2) {
    return err(type, field, `${field} ${quote(raw)} has more than two decimal places`);
  }
  return n.toFixed(2);
}

/** Rules 1–4 for one staged record. */
export function checkRow(rec: Pick<StagedRecord, 'upload_id' | 'record_id' | 'vendor_id' | 'product_data' | 'parse_error'>): RowCheck {
  const d = rec.product_data;
  const errors: RowError[] = [];
  if (rec.parse_error) errors.push(err('MALFORMED_ROW', null, rec.parse_error));

  // Rule 1: required fields.
  const missing = REQUIRED_COLUMNS.filter((c) => !visible(d[c]));
  if (missing.length > 0) {
    errors.push(err('MISSING_REQUIRED_FIELDS', missing.join(','), `missing required field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`));
  }

  // Rule 2: price.
  let price: string | undefined;
  if (d.price !== undefined) {
    const r = checkPrice('price', d.price, LIMITS.priceMax, 'INVALID_PRICE');
    if (typeof r === 'string') price = r;
    else errors.push(r);
  }

  // Rule 3: stock.
  let stock: number | undefined;
  if (d.stock_quantity !== undefined) {
    const raw = d.stock_quantity;
    if (!SIGNED_DECIMAL.test(raw)) errors.push(err('INVALID_STOCK_QUANTITY', 'stock_quantity', `stock_quantity ${quote(raw)} is not a number`));
    else if (Number(raw) < LIMITS.stockMin) errors.push(err('INVALID_STOCK_QUANTITY', 'stock_quantity', `stock_quantity must be >= ${LIMITS.stockMin}, got ${raw}`));
    else if (Number(raw) > LIMITS.stockMax) {
      errors.push(err('INVALID_STOCK_QUANTITY', 'stock_quantity', `stock_quantity must be <= ${LIMITS.stockMax.toLocaleString('en-US')}, got ${raw}`));
    } else if (!Number.isInteger(Number(raw))) errors.push(err('INVALID_STOCK_QUANTITY', 'stock_quantity', `stock_quantity must be a whole number, got ${raw}`));
    else stock = Number(raw);
  }

  // Rule 4: field lengths.
  // (A value of at most max UTF-16 units has at most max code points: no count needed.)
  const tooLong = LENGTH_LIMITED.filter(([c, max]) => d[c] !== undefined && d[c]!.length > max && charLength(d[c]!) > max).map(([c]) => c);
  if (tooLong.length > 0) {
    errors.push(
      err(
        'FIELD_LENGTH_EXCEEDED',
        tooLong.join(',').slice(0, 100),
        tooLong.map((c) => `${c} has ${charLength(d[c]!)} characters (max ${PRODUCT_COLUMNS[c].maxLength})`).join('; '),
      ),
    );
  }

  // Control characters (NUL cannot be stored at all; the others are never product data).
  const withControl: string[] = [];
  const fields: ProductColumn[] = [];
  for (const c of COLUMN_NAMES) {
    const ctl = d[c] !== undefined ? firstControlCharacter(d[c]!) : undefined;
    if (!ctl) continue;
    withControl.push(`${c} contains the control character ${ctl.codePoint} at character ${ctl.index + 1}`);
    fields.push(c);
  }
  if (withControl.length > 0) {
    errors.push(err('INVALID_FIELD_FORMAT', fields.join(',').slice(0, 100), `${withControl.join('; ')} (is the file partly UTF-16 or binary?)`));
  }

  // Optional numeric columns must fit their DECIMAL columns.
  let compareAt: string | null = null;
  if (d.compare_at_price !== undefined) {
    const r = checkPrice('compare_at_price', d.compare_at_price, LIMITS.compareAtPriceMax, 'INVALID_FIELD_FORMAT');
    if (typeof r === 'string') compareAt = r;
    else errors.push(r);
  }
  let weight: string | null = null;
  if (d.weight_kg !== undefined) {
    const raw = d.weight_kg;
    if (!DECIMAL.test(raw) || Number(raw) > LIMITS.weightKgMax || (raw.includes('.') && raw.split('.')[1]!.length > 3)) {
      errors.push(err('INVALID_FIELD_FORMAT', 'weight_kg', `weight_kg ${quote(raw)} must be a number from 0 to ${LIMITS.weightKgMax} with at most 3 decimals`));
    } else weight = raw;
  }

  if (errors.length > 0 || price === undefined || stock === undefined) return { errors };
  const v = (c: ProductColumn): string | null => d[c] ?? null;
  return {
    errors,
    product: {
      vendor_id: rec.vendor_id,
      vendor_product_id: d.vendor_product_id!,
      product_name: d.product_name!,
      category: d.category!,
      subcategory: v('subcategory'),
      description: v('description'),
      sku: d.sku!,
      brand: v('brand'),
      price,
      compare_at_price: compareAt,
      stock_quantity: stock,
      unit: d.unit ?? 'piece',
      weight_kg: weight,
      dimensions_cm: v('dimensions_cm'),
      image_url: v('image_url'),
      upload_id: rec.upload_id,
      source_record_id: rec.record_id,
    },
  };
}

/** What the validator learned from the database for a batch (one query per lookup). */
export interface BatchLookups {
  /** categoryKey(category) → canonical name, active categories only. */
  readonly categories: ReadonlyMap<string, string>;
  /** sku → owner (upload_id/record_id, or null for a product not from an upload). */
  readonly skuOwners: ReadonlyMap<string, { upload_id: string | null; source_record_id: string | null }>;
  /** `${vendor_id}\u0000${vendor_product_id}` → owner. */
  readonly vendorProductOwners: ReadonlyMap<string, { upload_id: string | null; source_record_id: string | null }>;
}

export type Decision =
  | { readonly kind: 'insert'; readonly product: ProductRow }
  /** Redelivery: this record's product is already in the catalog. */
  | { readonly kind: 'already_inserted' }
  | { readonly kind: 'reject'; readonly errors: RowError[] };

export const vendorProductKey = (vendorId: string, vpid: string): string => `${vendorId}\u0000${vpid}`;

type Batchable = Pick<
  StagedRecord,
  'upload_id' | 'record_id' | 'vendor_id' | 'row_number' | 'product_data' | 'parse_error' | 'duplicate_sku_of_row' | 'duplicate_vendor_product_id_of_row'
>;

/**
 * Rules 5–7 for a batch, given the lookups. Records must be in a stable order (the validator
 * sorts by upload and row): within the batch, the first otherwise-valid row with a SKU or vendor
 * product ID wins and later ones are duplicates. Within an upload the parser's marks decide
 * (first occurrence in the file wins), so the outcome does not depend on how rows are batched.
 * `checks` are the records' {@link checkRow} results when the caller already has them (same order).
 */
export function decideBatch(records: readonly Batchable[], lookups: BatchLookups, checks?: readonly RowCheck[]): Decision[] {
  const isOwn = (o: { upload_id: string | null; source_record_id: string | null } | undefined, r: Batchable) =>
    o !== undefined && o.upload_id === r.upload_id && o.source_record_id === r.record_id;
  const claimedSku = new Set<string>();
  const claimedVpid = new Set<string>();
  return records.map((rec, i): Decision => {
    const d = rec.product_data;
    const sku = d.sku;
    const vpKey = d.vendor_product_id !== undefined ? vendorProductKey(rec.vendor_id, d.vendor_product_id) : undefined;
    if (sku !== undefined && isOwn(lookups.skuOwners.get(sku), rec)) return { kind: 'already_inserted' };

    const check = checks?.[i] ?? checkRow(rec);
    const errors = [...check.errors];
    const product = check.product;
    // Rule 5: category whitelist.
    let category: string | undefined;
    if (d.category !== undefined) {
      category = lookups.categories.get(categoryKey(d.category));
      if (category === undefined) errors.push(err('INVALID_CATEGORY', 'category', `category ${quote(d.category)} is not an active category`));
    }
    // Rule 6: SKU unique in the catalog, the upload and the batch.
    if (sku !== undefined) {
      if (rec.duplicate_sku_of_row !== undefined) {
        errors.push(err('DUPLICATE_SKU', 'sku', `SKU ${quote(sku)} also appears in row ${rec.duplicate_sku_of_row} of this file`));
      } else if (lookups.skuOwners.has(sku)) {
        errors.push(err('DUPLICATE_SKU', 'sku', `SKU ${quote(sku)} already exists in the catalog`));
      } else if (claimedSku.has(sku)) {
        errors.push(err('DUPLICATE_SKU', 'sku', `SKU ${quote(sku)} is being added by another upload at the same time`));
      }
    }
    // Rule 7: vendor product ID unique per vendor.
    if (vpKey !== undefined) {
      if (rec.duplicate_vendor_product_id_of_row !== undefined) {
        errors.push(
          err('DUPLICATE_VENDOR_PRODUCT_ID', 'vendor_product_id', `vendor_product_id ${quote(d.vendor_product_id!)} also appears in row ${rec.duplicate_vendor_product_id_of_row} of this file`),
        );
      } else if (lookups.vendorProductOwners.has(vpKey)) {
        errors.push(err('DUPLICATE_VENDOR_PRODUCT_ID', 'vendor_product_id', `vendor_product_id ${quote(d.vendor_product_id!)} already exists for vendor ${rec.vendor_id}`));
      } else if (claimedVpid.has(vpKey)) {
        errors.push(err('DUPLICATE_VENDOR_PRODUCT_ID', 'vendor_product_id', `vendor_product_id ${quote(d.vendor_product_id!)} appears twice in this batch`));
      }
    }
    if (errors.length > 0 || !product || category === undefined) return { kind: 'reject', errors };
    claimedSku.add(product.sku);
    claimedVpid.add(vpKey!);
    return { kind: 'insert', product: { ...product, category } };
  });
}
