import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { scheduleForm } from './schedule-upload-form.js';

const FROM = '2024-01-01T00:00:00Z';
const TO = '2024-06-30T23:59:59Z';

async function fileOf(form: FormData): Promise<{ name: string; text: string }> {
  const file = form.get('file');
  if (!(file instanceof File)) throw new Error('no file part');
  return { name: file.name, text: await file.text() };
}

describe('scheduleForm', () => {
  it('writes the header, leaves cells equal to global_config empty, and names the file by reference', async () => {
    const form = scheduleForm('ref-1', [
      { consentId: 'c-1', from: FROM, to: TO, configId: 'cfg' },
      { consentId: 'c-2', from: FROM, to: TO, configId: 'cfg' },
      { consentId: 'c-3', from: '2023-01-01T00:00:00Z', to: TO, configId: 'other' },
    ]);
    const { name, text } = await fileOf(form);
    expect(name).toBe('ref-1.csv');
    expect(text).toBe(`consentId,fiDataRangeFrom,fiDataRangeTo,configId\nc-1,,,\nc-2,,,\nc-3,2023-01-01T00:00:00Z,,other\n`);
    expect(form.get('reference_id')).toBe('ref-1');
    expect(JSON.parse(form.get('global_config') as string)).toEqual({ fiDataRangeFrom: FROM, fiDataRangeTo: TO, configId: 'cfg' });
  });

  it('quotes a config id holding a comma, a quote or a line break so that a CSV reader gets it back whole', async () => {
    const odd = ['a,b', 'say "hi"', 'line\nbreak', 'carriage\rreturn'];
    const form = scheduleForm('ref-2', [
      { consentId: 'c-0', from: FROM, to: TO, configId: 'plain' },
      { consentId: 'c-00', from: FROM, to: TO, configId: 'plain' },
      ...odd.map((configId, i) => ({ consentId: `c-${i + 1}`, from: FROM, to: TO, configId })),
    ]);
    const rows = parse((await fileOf(form)).text, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r['configId'])).toEqual(['', '', ...odd]);
    expect(rows.map((r) => r['consentId'])).toEqual(['c-0', 'c-00', 'c-1', 'c-2', 'c-3', 'c-4']);
  });
});
