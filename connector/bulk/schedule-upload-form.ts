import { stringify } from 'csv-stringify/sync';
import { batchDefaults, type PlannedConsent } from './batch-planner.js';

/**
 * The upload form of a batch (`/fi/requests/schedule/upload/v3`): a CSV
 * `consentId,fiDataRangeFrom,fiDataRangeTo,configId` whose cells are left empty where they equal
 * the defaults sent in `global_config`, so most rows carry only their id.
 */
export function scheduleForm(referenceId: string, consents: readonly PlannedConsent[]): FormData {
  const defaults = batchDefaults(consents);
  const csv = stringify(
    consents.map((c) => [
      c.consentId,
      c.from !== defaults.from ? c.from : '',
      c.to !== defaults.to ? c.to : '',
      c.configId !== undefined && c.configId !== defaults.configId ? c.configId : '',
    ]),
    { header: true, columns: ['consentId', 'fiDataRangeFrom', 'fiDataRangeTo', 'configId'], record_delimiter: '\n' },
  );
  const form = new FormData();
  form.set('file', new Blob([csv], { type: 'text/csv' }), `${referenceId}.csv`);
  form.set('reference_id', referenceId);
  form.set(
    'global_config',
    JSON.stringify({ fiDataRangeFrom: defaults.from, fiDataRangeTo: defaults.to, ...(defaults.configId !== undefined ? { configId: defaults.configId } : {}) }),
  );
  return form;
}
