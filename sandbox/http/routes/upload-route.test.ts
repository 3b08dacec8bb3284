import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../index.js';
import { authHeaders, post, waitForBatch } from '../../test-support/sandbox-test-client.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ consents: 100, speed: 200 });
});
afterAll(() => sandbox.close());

async function upload(file: Buffer | string | null, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file !== null) form.append('file', new Blob([file]), 'consents.csv');
  const headers = authHeaders(sandbox);
  delete (headers as Record<string, string | undefined>)['Content-Type'];
  const res = await fetch(`${sandbox.url}/fi/requests/schedule/upload/v3`, { method: 'POST', headers, body: form });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

const DAY = 86_400_000;

describe('upload schedule', () => {
  it('schedules a CSV batch; row values override global_config', async () => {
    const [a, b] = sandbox.consents('ACTIVE');
    const from = new Date(Date.now() - 200 * DAY).toISOString();
    const csv = `consentId,fiDataRangeFrom,fiDataRangeTo,configId\n${a!.id},${from},,config-1\n"${b!.id}",,,\n`;
    const global = { fiDataRangeFrom: new Date(Date.now() - 365 * DAY).toISOString(), fiDataRangeTo: new Date(Date.now() - 1000).toISOString(), configId: 'cfg-global' };
    const res = await upload(csv, { reference_id: 'upload-batch-1', global_config: JSON.stringify(global) });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ reference_id: 'upload-batch-1', batch_id: expect.any(String), storage_type: expect.any(String), status: 'READY' });
    expect(res.headers.get('x-ratelimit-limit')).toBe('1000');
    const data = await waitForBatch(sandbox, 'upload-batch-1');
    expect(data.batch_status).toBe('COMPLETED');
    expect(data.metadata.file_name).toBe('consents.csv');
    expect(data.records[0]).toMatchObject({ consent_id: a!.id, status: 'COMPLETED', configId: 'config-1', fiDataRangeFrom: from });
    expect(data.records[1]).toMatchObject({ consent_id: b!.id, configId: 'cfg-global', fiDataRangeFrom: global.fiDataRangeFrom });
  });

  it('reads a quoted comma as part of its field and CRLF line ends as line ends', async () => {
    const [a, b] = sandbox.consents('ACTIVE').slice(3);
    const csv = `consentId,fiDataRangeFrom,fiDataRangeTo,configId\r\n${a!.id},,,"config,1"\r\n"${b!.id}",,,"say ""hi"""\r\n`;
    expect((await upload(csv, { reference_id: 'upload-quoted-crlf' })).status).toBe(200);
    const data = await waitForBatch(sandbox, 'upload-quoted-crlf');
    expect(data.summary.total).toBe(2);
    expect(data.records[0]).toMatchObject({ consent_id: a!.id, configId: 'config,1' });
    expect(data.records[1]).toMatchObject({ consent_id: b!.id, configId: 'say "hi"' });
  });

  it('accepts tracking_id as the reference, and makes one when none is given', async () => {
    const csv = `consentId\n${sandbox.consents('ACTIVE')[2]!.id}\n`;
    expect((await upload(csv, { tracking_id: 'tracked-upload' })).body.data.reference_id).toBe('tracked-upload');
    const made = await upload(csv);
    expect(made.status).toBe(200);
    expect(made.body.data.reference_id).toMatch(/^[A-Za-z0-9_-]{5,60}$/);
    expect((await post(sandbox, '/bulk/status', { reference_id: made.body.data.reference_id })).status).toBe(200);
  });

  it('rejects a BOM, a missing file, a bad reference, a reused reference and bad global_config', async () => {
    const csv = `consentId\n${sandbox.consents()[0]!.id}\n`;
    const bom = await upload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]), { reference_id: 'bom-upload' });
    expect(bom.status).toBe(400);
    expect(bom.body.errorMsg).toContain('BOM');
    expect((await upload(null, { reference_id: 'no-file-upload' })).body.errorMsg).toContain('file');
    expect((await upload(csv, { reference_id: 'bad ref' })).body.errorCode).toBe('InvalidReferenceId');
    expect((await upload(csv, { reference_id: 'upload-batch-1' })).status).toBe(409);
    expect((await upload(csv, { reference_id: 'bad-global', global_config: '{nope' })).body.errorMsg).toContain('global_config');
  });

  it('answers 400 InvalidRequest for a body that is not multipart, naming what is wrong', async () => {
    const send = (contentType: string, body: string) =>
      fetch(`${sandbox.url}/fi/requests/schedule/upload/v3`, { method: 'POST', headers: { ...authHeaders(sandbox), 'Content-Type': contentType }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const noBoundary = await send('multipart/form-data', 'x');
    expect(noBoundary.status).toBe(400);
    expect(noBoundary.body.errorMsg).toContain('Content-Type');
    const broken = await send('multipart/form-data; boundary=XYZ', '--XYZ\r\nContent-Disposition: form-data; name="file"\r\n\r\nconsentId\r\n');
    expect(broken.status).toBe(400);
    expect(broken.body.errorMsg).toContain('body');
  });

  it('answers 413 FileTooLarge past 10 MB and 400 BatchTooLarge past 10,000 rows', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x61);
    const tooLarge = await upload(big, { reference_id: 'huge-upload' });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.errorCode).toBe('FileTooLarge');
    const id = sandbox.consents()[0]!.id;
    const many = `consentId\n${`${id}\n`.repeat(10_001)}`;
    const tooMany = await upload(many, { reference_id: 'many-rows-upload' });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errorCode).toBe('BatchTooLarge');
  });

  it.each([
    ['no consentId column', 'account,config\nx,y\n'],
    ['an unterminated quote', 'consentId\n"abc\n'],
    ['a bad date', 'consentId,fiDataRangeFrom\nabc,31/12/2025\n'],
    ['no rows', 'consentId\n'],
    ['text after a closing quote', 'consentId\n"abc"x\n'],
    ['a quote inside an unquoted field', 'consentId\nab"c\n'],
  ])('accepts a file with %s, then shows the batch FAILED', async (_, csv) => {
    const ref = `unparseable-${Math.random().toString(36).slice(2, 8)}`;
    const res = await upload(csv, { reference_id: ref });
    expect(res.status).toBe(200);
    const status = await post(sandbox, '/bulk/status', { reference_id: ref });
    expect(status.body.data).toMatchObject({ batch_status: 'FAILED', summary: { total: 0 }, error: { code: 'FileParseError' } });
  });
});
