/**
 * The `--demo` run of local mode: as a vendor would, asks upload-url for a presigned PUT (with the
 * demo vendor's token), PUTs a small CSV with three bad rows to s3rver, waits until the pipeline
 * has finished the upload, then follows the report link of the notification (report-link's 302 to
 * a presigned GET on s3rver) and reads the error report.
 */
import { demoFileName, type LocalOnboarding, type UploadState } from './system';

/** 8 products, 3 of them bad: a negative price, an unknown category, a SKU already used above. */
export const DEMO_CSV = [
  'vendor_product_id,product_name,category,subcategory,description,sku,brand,price,stock_quantity,unit',
  'PROD000001,Wireless Mouse,Electronics,Mice,"Ergonomic, 2.4 GHz mouse",DEMO-SKU-000001,TechGear,24.99,150,piece',
  'PROD000002,USB-C Hub,Computer Accessories,Hubs,7-port hub,DEMO-SKU-000002,TechGear,39.00,80,piece',
  'PROD000003,Mechanical Keyboard,Computer Accessories,Keyboards,Brown switches,DEMO-SKU-000003,TechGear,-10.00,40,piece',
  'PROD000004,Rain Jacket,Clothing,Outerwear,Waterproof,DEMO-SKU-000004,Outdoorly,59.90,25,piece',
  'PROD000005,Hunting Knife,Weapons,Knives,Fixed blade,DEMO-SKU-000005,Blades Inc,45.00,10,piece',
  'PROD000006,Webcam HD,Electronics,Cameras,1080p,DEMO-SKU-000006,TechGear,49.50,60,piece',
  'PROD000007,Webcam HD (copy),Electronics,Cameras,1080p,DEMO-SKU-000006,TechGear,49.50,60,piece',
  'PROD000008,Laptop Stand,Computer Accessories,Stands,Aluminium,DEMO-SKU-000008,TechGear,29.00,90,piece',
].join('\r\n') + '\r\n';

export interface DemoResult {
  readonly file: string;
  readonly key: string;
  readonly state: UploadState;
  readonly notification: { readonly subject?: string; readonly message?: string } | undefined;
  readonly reportLink: string | undefined;
  /** Status of GET <report link> (302 expected) and the report it redirects to. */
  readonly reportLinkStatus: number | undefined;
  readonly report: string | undefined;
}

async function json(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.url}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export async function runDemo(system: LocalOnboarding, csv: string = DEMO_CSV): Promise<DemoResult> {
  const file = demoFileName();
  const issued = await json(
    await fetch(system.uploadUrl, { method: 'POST', headers: { authorization: `Bearer ${system.vendorToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ file_name: file }) }),
  );
  const put = await fetch(String(issued.url), { method: 'PUT', body: csv });
  if (!put.ok) throw new Error(`PUT ${String(issued.key)}: HTTP ${put.status} ${await put.text()}`);
  const key = String(issued.key);
  const state = await system.waitForUpload(key);
  const note = system.notifications.find((n) => n.Message?.includes(`Upload ID: ${state.upload_id}`));
  const reportLink = /Download Errors: (\S+)/.exec(note?.Message ?? '')?.[1];
  let reportLinkStatus: number | undefined;
  let report: string | undefined;
  if (reportLink) {
    const res = await fetch(reportLink, { redirect: 'manual' });
    reportLinkStatus = res.status;
    const location = res.headers.get('location');
    if (res.status === 302 && location) {
      const get = await fetch(location);
      if (!get.ok) throw new Error(`GET report (presigned): HTTP ${get.status}`);
      report = await get.text();
    }
  }
  return { file, key, state, notification: note && { subject: note.Subject, message: note.Message }, reportLink, reportLinkStatus, report };
}
