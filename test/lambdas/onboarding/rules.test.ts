/** The seven rules, the batch decisions and the report/notification text: pure, no servers. */
import { checkRow, decideBatch, type BatchLookups } from '../../../lambdas/onboarding/product-validator/rules';
import { csvCell, errorReportCsv, formatPercent, notificationFor } from '../../../lambdas/onboarding/error-processor/report';
import type { StagedRecord } from '../../../lambdas/onboarding/shared/staging';
import { categoryKey } from '../../../lambdas/onboarding/shared/catalog';

const base: StagedRecord['product_data'] = {
  vendor_product_id: 'PROD001',
  product_name: 'Wireless Mouse',
  category: 'Electronics',
  sku: 'SKU-001',
  price: '19.99',
  stock_quantity: '150',
};

function rec(data: Partial<StagedRecord['product_data']>, extra: Partial<StagedRecord> = {}): StagedRecord {
  const row = extra.row_number ?? 1;
  return {
    upload_id: 'U1',
    record_id: `REC_${String(row).padStart(5, '0')}`,
    vendor_id: 'VEND001',
    row_number: row,
    line_number: row + 1,
    status: 'pending_validation',
    product_data: Object.fromEntries(Object.entries({ ...base, ...data }).filter(([, v]) => v !== undefined)) as StagedRecord['product_data'],
    created_at: '2024-12-21T10:30:45.123Z',
    expires_at: 0,
    ...extra,
  };
}

const types = (data: Partial<StagedRecord['product_data']>) => checkRow(rec(data)).errors.map((e) => e.error_type);

describe('rules 1–4 (row checks)', () => {
  test('a valid row becomes a product with exact decimals and defaults', () => {
    const { errors, product } = checkRow(rec({ price: '19.9', compare_at_price: '25', weight_kg: '0.125' }));
    expect(errors).toEqual([]);
    expect(product).toMatchObject({ price: '19.90', compare_at_price: '25.00', stock_quantity: 150, unit: 'piece', weight_kg: '0.125', source_record_id: 'REC_00001' });
  });

  test.each<[string, Partial<StagedRecord['product_data']>, string[]]>([
    ['missing name and sku', { product_name: undefined, sku: undefined }, ['MISSING_REQUIRED_FIELDS']],
    ['price 0.01 is the minimum', { price: '0.01' }, []],
    ['price 0.00', { price: '0.00' }, ['INVALID_PRICE']],
    ['negative price', { price: '-10.00' }, ['INVALID_PRICE']],
    ['price 999999.99 is the maximum', { price: '999999.99' }, []],
    ['price 1000000.00', { price: '1000000.00' }, ['INVALID_PRICE']],
    ['price with three decimals', { price: '19.999' }, ['INVALID_PRICE']],
    ['price with a currency sign', { price: '$19.99' }, ['INVALID_PRICE']],
    ['price with a thousands separator', { price: '1,299.00' }, ['INVALID_PRICE']],
    ['stock 0', { stock_quantity: '0' }, []],
    ['stock 1000000', { stock_quantity: '1000000' }, []],
    ['stock 1000001', { stock_quantity: '1000001' }, ['INVALID_STOCK_QUANTITY']],
    ['negative stock', { stock_quantity: '-1' }, ['INVALID_STOCK_QUANTITY']],
    ['fractional stock', { stock_quantity: '2.5' }, ['INVALID_STOCK_QUANTITY']],
    ['name of 200 characters', { product_name: 'n'.repeat(200) }, []],
    ['name of 201 characters', { product_name: 'n'.repeat(201) }, ['FIELD_LENGTH_EXCEEDED']],
    ['200 characters outside the BMP count as 200', { product_name: '😀'.repeat(200) }, []],
    ['unit of 21 characters', { unit: 'u'.repeat(21) }, ['FIELD_LENGTH_EXCEEDED']],
    ['sku of 101 characters', { sku: 's'.repeat(101) }, ['FIELD_LENGTH_EXCEEDED']],
    ['weight that is not a number', { weight_kg: 'heavy' }, ['INVALID_FIELD_FORMAT']],
    ['everything wrong at once', { product_name: undefined, price: 'abc', stock_quantity: '-3', brand: 'b'.repeat(101) }, [
      'MISSING_REQUIRED_FIELDS',
      'INVALID_PRICE',
      'INVALID_STOCK_QUANTITY',
      'FIELD_LENGTH_EXCEEDED',
    ]],
  ])('%s', (_name, data, expected) => {
    expect(types(data)).toEqual(expected);
  });

  test('messages name the field and the value', () => {
    expect(checkRow(rec({ price: '-10.00' })).errors[0]).toEqual({ error_type: 'INVALID_PRICE', error_field: 'price', message: 'price must be >= 0.01, got -10.00' });
    expect(checkRow(rec({ product_name: 'n'.repeat(201) })).errors[0]!.message).toBe('product_name has 201 characters (max 200)');
    expect(checkRow(rec({}, { parse_error: 'line 7 has 9 fields, the header has 8' })).errors[0]).toEqual({
      error_type: 'MALFORMED_ROW',
      error_field: null,
      message: 'line 7 has 9 fields, the header has 8',
    });
  });
});

describe('limits as documented (issue 14)', () => {
  test.each<[string, string]>([
    ['spaces and tabs', ' \t '],
    ['zero-width space', '\u200b'],
    ['no-break space and BOM', '\u00a0\ufeff'],
    ['Hangul filler', '\u3164'],
    ['bidi marks', '\u200e\u200f'],
    ['a lone combining mark', '\u0301'],
    ['braille blank', '\u2800'],
  ])('a required field made only of %s is missing', (_name, value) => {
    expect(checkRow(rec({ product_name: value })).errors).toEqual([
      { error_type: 'MISSING_REQUIRED_FIELDS', error_field: 'product_name', message: 'missing required field: product_name' },
    ]);
  });

  test('one visible character is enough (also non-Latin or an emoji)', () => {
    for (const v of ['x', '字', '😀', '\u200bA']) expect(checkRow(rec({ product_name: v })).errors).toEqual([]);
  });

  test('lengths count characters (code points): 200 emoji fit product_name, 201 do not', () => {
    expect(checkRow(rec({ product_name: '😀'.repeat(200) })).errors).toEqual([]);
    expect(checkRow(rec({ product_name: '😀'.repeat(201) })).errors.map((e) => e.message)).toEqual(['product_name has 201 characters (max 200)']);
  });

  test('NUL and other control characters are an INVALID_FIELD_FORMAT error naming field, code point and position', () => {
    const { errors, product } = checkRow(rec({ product_name: 'Mo\u0000use', description: 'ok\r\nline\ttab', brand: 'B\u001b' }));
    expect(product).toBeUndefined();
    expect(errors).toEqual([
      {
        error_type: 'INVALID_FIELD_FORMAT',
        error_field: 'product_name,brand',
        message: 'product_name contains the control character U+0000 at character 3; brand contains the control character U+001B at character 2 (is the file partly UTF-16 or binary?)',
      },
    ]);
  });

  test('category matching folds case in code, the same in every locale (Turkish dotted I, German sharp s, NFC)', () => {
    const categories = new Map([
      [categoryKey('İstanbul Crafts'), 'İstanbul Crafts'],
      [categoryKey('Straße'), 'Straße'],
      [categoryKey('Café'), 'Café'],
    ]);
    const out = decideBatch(
      [
        rec({ category: 'i̇stanbul crafts' }, { row_number: 1 }),
        rec({ category: 'STRASSE', sku: 'S2', vendor_product_id: 'P2' }, { row_number: 2 }),
        rec({ category: 'cafe\u0301', sku: 'S3', vendor_product_id: 'P3' }, { row_number: 3 }),
      ],
      { categories, skuOwners: new Map(), vendorProductOwners: new Map() },
    );
    expect(out.map((d) => (d.kind === 'insert' ? d.product.category : d.kind))).toEqual(['İstanbul Crafts', 'reject', 'Café']);
  });
});

describe('rules 5–7 (batch decisions)', () => {
  const lookups = (over: Partial<BatchLookups> = {}): BatchLookups => ({
    categories: new Map([['electronics', 'Electronics']]),
    skuOwners: new Map(),
    vendorProductOwners: new Map(),
    ...over,
  });

  test('category matches case-insensitively and is stored canonically; unknown categories are rejected', () => {
    const [ok, bad] = decideBatch([rec({ category: 'ELECTRONICS' }), rec({ category: 'Weapons', sku: 'S2', vendor_product_id: 'P2' }, { row_number: 2 })], lookups());
    expect(ok).toMatchObject({ kind: 'insert', product: { category: 'Electronics' } });
    expect(bad).toEqual({ kind: 'reject', errors: [{ error_type: 'INVALID_CATEGORY', error_field: 'category', message: "category 'Weapons' is not an active category" }] });
  });

  test('SKU already in the catalog, in the file (parser mark) and twice in the batch', () => {
    const out = decideBatch(
      [
        rec({ sku: 'TAKEN', vendor_product_id: 'P1' }, { row_number: 1 }),
        rec({ sku: 'S2', vendor_product_id: 'P2' }, { row_number: 2, duplicate_sku_of_row: 1 }),
        rec({ sku: 'S3', vendor_product_id: 'P3' }, { row_number: 3 }),
        rec({ sku: 'S3', vendor_product_id: 'P4' }, { row_number: 4, upload_id: 'U2' }),
      ],
      lookups({ skuOwners: new Map([['TAKEN', { upload_id: null, source_record_id: null }]]) }),
    );
    expect(out.map((d) => (d.kind === 'reject' ? d.errors.map((e) => e.message) : d.kind))).toEqual([
      ["SKU 'TAKEN' already exists in the catalog"],
      ["SKU 'S2' also appears in row 1 of this file"],
      'insert',
      ["SKU 'S3' is being added by another upload at the same time"],
    ]);
  });

  test('vendor product ID is unique per vendor, not across vendors', () => {
    const out = decideBatch(
      [rec({ vendor_product_id: 'P1', sku: 'A' }), rec({ vendor_product_id: 'P1', sku: 'B' }, { vendor_id: 'VEND002', row_number: 2 })],
      lookups({ vendorProductOwners: new Map([['VEND001\u0000P1', { upload_id: 'OLD', source_record_id: 'REC_00009' }]]) }),
    );
    expect(out[0]).toMatchObject({ kind: 'reject', errors: [{ error_type: 'DUPLICATE_VENDOR_PRODUCT_ID' }] });
    expect(out[1]).toMatchObject({ kind: 'insert' });
  });

  test("a redelivered record finds its own product and is not a duplicate of itself", () => {
    const out = decideBatch([rec({})], lookups({ skuOwners: new Map([['SKU-001', { upload_id: 'U1', source_record_id: 'REC_00001' }]]) }));
    expect(out).toEqual([{ kind: 'already_inserted' }]);
  });
});

describe('error report and notification', () => {
  test('percentages read like the seed and never round to 100 % or 0 %', () => {
    expect(formatPercent(950, 1000)).toBe('95%');
    expect(formatPercent(935, 1000)).toBe('93.5%');
    expect(formatPercent(9999, 10000)).toBe('99.9%');
    expect(formatPercent(1, 10000)).toBe('0.1%');
    expect(formatPercent(3, 3)).toBe('100%');
    expect(formatPercent(0, 0)).toBe('0%');
  });

  test('CSV cells are quoted and formula-safe', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-10.00')).toBe('-10.00');
    expect(csvCell(null)).toBe('');
    expect(
      errorReportCsv([{ row_number: 15, line_number: 16, vendor_product_id: 'P15', sku: 'SKU-015', error_types: ['INVALID_PRICE'], error_fields: ['price'], messages: ['price must be >= 0.01, got -10.00'] }]),
    ).toBe('Row,Line,Vendor Product ID,SKU,Error Type,Field,Message\r\n15,16,P15,SKU-015,INVALID_PRICE,price,"price must be >= 0.01, got -10.00"\r\n');
  });

  test('notification subjects for complete, partial and failed uploads', () => {
    const u = { upload_id: 'U', vendor_id: 'VEND001', file_name: 'f.csv', s3_key: null, failure_reason: null } as const;
    expect(notificationFor({ ...u, status: 'partial', total_records: 1000, valid_records: 950, error_records: 50 }).subject).toBe('Upload Complete (95%)');
    expect(notificationFor({ ...u, status: 'completed', total_records: 10, valid_records: 10, error_records: 0 }).subject).toBe('Upload Complete (100%)');
    expect(notificationFor({ ...u, status: 'failed', total_records: 2, valid_records: 0, error_records: 2, failure_reason: 'none of the 2 rows passed validation' }).subject).toBe(
      'Upload Failed (0%)',
    );
    const failed = notificationFor({ ...u, status: 'failed', total_records: 0, valid_records: 0, error_records: 0, failure_reason: 'the file has a header but no data rows' });
    expect(failed.subject).toBe('Upload Failed');
    expect(failed.message).toContain('Reason: the file has a header but no data rows');
  });
});
