/** Pure parts of the error processor: the error report CSV and the notification text. */

export interface ErrorReportRow {
  readonly row_number: number;
  readonly line_number: number | null;
  readonly vendor_product_id: string | null;
  readonly sku: string | null;
  readonly error_types: readonly string[];
  readonly error_fields: readonly string[];
  readonly messages: readonly string[];
}

export const ERROR_REPORT_HEADER = ['Row', 'Line', 'Vendor Product ID', 'SKU', 'Error Type', 'Field', 'Message'] as const;

/**
 * One CSV cell: quoted when needed (RFC 4180), and a leading = + @ or - (not a number) gets a
 * quote character in front so a spreadsheet does not run vendor data as a formula.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (/^[=+@\t\r]/.test(s) || (/^-/.test(s) && !/^-\d+(\.\d+)?$/.test(s))) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line of the report (CRLF included): a rejected row, its errors joined with "; ". */
export function errorReportLine(r: ErrorReportRow): string {
  return `${[r.row_number, r.line_number, r.vendor_product_id, r.sku, r.error_types.join('; '), r.error_fields.filter(Boolean).join('; '), r.messages.join('; ')]
    .map(csvCell)
    .join(',')}\r\n`;
}

export const ERROR_REPORT_HEADER_LINE = `${ERROR_REPORT_HEADER.join(',')}\r\n`;

/** The whole report as one string (tests; the Lambda streams it line by line). */
export function errorReportCsv(rows: readonly ErrorReportRow[]): string {
  return ERROR_REPORT_HEADER_LINE + rows.map(errorReportLine).join('');
}

/**
 * A percentage as people read it: whole numbers without decimals (95%), otherwise one decimal
 * (93.5%), and never rounded to 100% or 0% unless it is exactly that.
 */
export function formatPercent(part: number, total: number): string {
  if (total <= 0) return '0%';
  if (part >= total) return '100%';
  if (part <= 0) return '0%';
  let p = Math.round((part / total) * 1000) / 10;
  if (p >= 100) p = 99.9;
  if (p <= 0) p = 0.1;
  return `${Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)}%`;
}

export interface UploadSummary {
  readonly upload_id: string;
  readonly vendor_id: string | null;
  readonly file_name: string;
  readonly s3_key: string | null;
  readonly status: 'completed' | 'partial' | 'failed';
  readonly total_records: number;
  readonly valid_records: number;
  readonly error_records: number;
  readonly failure_reason: string | null;
}

export interface Notification {
  readonly subject: string;
  readonly message: string;
}

/** Subject and body of the one notification per upload (seed section 3, step 7). */
export function notificationFor(u: UploadSummary, errorReport?: { url: string; expiresAt: Date; key: string }): Notification {
  const nothingParsed = u.status === 'failed' && u.total_records === 0;
  const subject = nothingParsed
    ? 'Upload Failed'
    : u.status === 'failed'
      ? `Upload Failed (${formatPercent(u.valid_records, u.total_records)})`
      : `Upload Complete (${formatPercent(u.valid_records, u.total_records)})`;
  const lines = [`Upload ID: ${u.upload_id}`, `Vendor: ${u.vendor_id ?? '(unknown)'}`, `File: ${u.file_name}`];
  if (nothingParsed) {
    lines.push('Status: FAILED', `Reason: ${u.failure_reason ?? 'unknown'}`, '', 'Nothing from this file was loaded. Fix the file and upload it again.');
  } else {
    lines.push(
      `Total: ${u.total_records}`,
      `Valid: ${u.valid_records} (${formatPercent(u.valid_records, u.total_records)})`,
      `Invalid: ${u.error_records} (${formatPercent(u.error_records, u.total_records)})`,
      `Status: ${u.status.toUpperCase()}`,
    );
    if (u.status === 'failed' && u.failure_reason) lines.push(`Reason: ${u.failure_reason}`);
    if (errorReport) {
      lines.push(`Download Errors: ${errorReport.url}`, `(the link is valid until ${errorReport.expiresAt.toISOString()})`);
    }
  }
  return { subject, message: `${lines.join('\n')}\n` };
}
