import { randomUUID } from 'node:crypto';
import { API_VERSION, HttpError, invalid, json } from '../http-io.js';
import type { FinProRoute, RouteRequest } from '../route-types.js';
import type { GlobalConfig } from '../../bulk/batch-model.js';
import { failedBatch, scheduleBatch, type RowInput } from '../../bulk/batch-timeline-builder.js';
import { readUploadCsv } from '../../bulk/upload-csv-reader.js';
import { checkReferenceId, MAX_BATCH_ROWS, readDefaults, rowInput } from '../../bulk/schedule-validation.js';
import { hex8, hash32 } from '../../util/seeded-hash.js';
import { iso } from '../../util/time-format.js';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** POST /fi/requests/schedule/upload/v3: a batch from a CSV file (multipart/form-data). */
export const uploadRoute: FinProRoute = {
  path: '/fi/requests/schedule/upload/v3',
  // The file may be 10 MB; the rest of the form is small. Past this, 413 without parsing.
  bodyLimit: MAX_FILE_BYTES + 256 * 1024,
  tooLargeCode: 'FileTooLarge',
  body: 'multipart',
  handle(request) {
    return handleUpload(request);
  },
};

/** Node's own multipart reader (undici, the engine behind fetch) over the buffered, already bounded body. */
async function readForm(body: Buffer, contentType: string | undefined): Promise<FormData> {
  if (!contentType || !/^multipart\/form-data\s*;.*\bboundary=/i.test(contentType)) {
    throw invalid('Content-Type', 'must be multipart/form-data with a boundary');
  }
  try {
    return await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw invalid('body', 'is not well-formed multipart/form-data');
  }
}

/** A text field; a field sent as a file part is read as its text too. */
async function text(form: FormData, name: string): Promise<string | undefined> {
  const values = form.getAll(name);
  const value = values.find((v) => typeof v === 'string') ?? values[0];
  return value === undefined || typeof value === 'string' ? value : await value.text();
}

async function handleUpload({ ctx, req, body }: RouteRequest) {
  const form = await readForm(body, req.headers['content-type']);
  const file = form.get('file');
  if (file === null) throw invalid('file', 'is required');
  const fileData = typeof file === 'string' ? Buffer.from(file, 'utf8') : Buffer.from(await file.arrayBuffer());
  if (fileData.length > MAX_FILE_BYTES) {
    throw new HttpError(413, 'FileTooLarge', `The file is ${fileData.length} bytes; at most ${MAX_FILE_BYTES} are accepted.`);
  }
  const given = (await text(form, 'reference_id')) || (await text(form, 'tracking_id'));
  const globalText = await text(form, 'global_config');

  const referenceId = given?.trim() || generatedReference(ctx.options.seed, ctx.batches.nextSerial(), ctx.now());
  ctx.stats.scheduleCall(referenceId);
  checkReferenceId(referenceId);

  let defaults: ReturnType<typeof readDefaults> = { echo: { fiDataRangeFrom: null, fiDataRangeTo: null, configId: null } };
  if (globalText !== undefined && globalText.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(globalText);
    } catch {
      throw invalid('global_config', 'must be a JSON object string');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid('global_config', 'must be a JSON object string');
    defaults = readDefaults(parsed as Record<string, unknown>, 'global_config.');
  }

  if (fileData[0] === 0xef && fileData[1] === 0xbb && fileData[2] === 0xbf) {
    throw invalid('file', 'must be UTF-8 without a byte order mark (BOM)');
  }
  if (ctx.batches.has(referenceId)) {
    throw new HttpError(409, 'DuplicateReferenceId', `reference_id ${referenceId} is already used by another batch; look it up with /bulk/status.`);
  }

  const fileName = typeof file === 'string' ? null : file.name;
  const parsed = readRows(fileData, defaults);
  const batch =
    'error' in parsed
      ? failedBatch(ctx, { referenceId, globalConfig: defaults.echo, fileName, code: 'FileParseError', message: parsed.error })
      : scheduleBatch(ctx, { referenceId, inputs: parsed.inputs, globalConfig: defaults.echo, fileName });
  return {
    ...json(200, {
      ver: API_VERSION,
      timestamp: iso(ctx.now()),
      txnid: randomUUID(),
      status: 'success',
      message: 'File accepted for processing',
      // Parsing is asynchronous at FinPro: the answer is READY even for a file that will fail.
      data: { reference_id: referenceId, batch_id: batch.id, storage_type: 'S3', status: 'READY' },
    }),
    referenceId,
  };
}

function readRows(data: Buffer, defaults: { fromMs?: number; toMs?: number; configId?: string; echo: GlobalConfig }): { inputs: RowInput[] } | { error: string } {
  let content: string;
  try {
    content = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return { error: 'The file is not valid UTF-8.' };
  }
  const csv = readUploadCsv(content);
  if (!csv.ok) return { error: `The file is not valid CSV: ${csv.error}.` };
  const consentColumn = csv.header.findIndex((h) => h === 'consentId' || h === 'consent_id');
  if (consentColumn < 0) return { error: 'The CSV header has no consentId column.' };
  if (csv.rows.length > MAX_BATCH_ROWS) {
    throw new HttpError(400, 'BatchTooLarge', `A batch holds at most ${MAX_BATCH_ROWS} consents; the file has ${csv.rows.length}.`);
  }
  if (csv.rows.length === 0) return { error: 'The file has no rows.' };
  const inputs: RowInput[] = [];
  for (let i = 0; i < csv.rows.length; i++) {
    const cells = csv.rows[i] ?? [];
    const row: Record<string, unknown> = {};
    csv.header.forEach((h, c) => (row[h === 'consent_id' ? 'consentId' : h] = cells[c]?.trim() ?? ''));
    try {
      inputs.push(rowInput(row, 'consentId', `line ${i + 2}`, defaults));
    } catch (error) {
      if (error instanceof HttpError) return { error: `Invalid row: ${error.message}.` };
      throw error;
    }
  }
  return { inputs };
}

function generatedReference(seed: number, serial: number, now: number): string {
  const stamp = iso(now).replace(/[-:T]/g, '').slice(0, 14);
  return `upload-${stamp}-${hex8(hash32(seed, 0x4ef1d, serial)).slice(0, 6)}`;
}
