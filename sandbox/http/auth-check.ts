import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './http-io.js';
import type { SandboxCredentials } from '../sandbox-options.js';

/** The four FinPro auth headers (node lower-cases header names). */
const HEADERS: ReadonlyArray<readonly [string, keyof SandboxCredentials]> = [
  ['client_id', 'client_id'],
  ['client_secret', 'client_secret'],
  ['appidentifier', 'app_identifier'],
  ['organisationid', 'organisation_id'],
];

export function checkAuth(headers: IncomingHttpHeaders, credentials: SandboxCredentials): void {
  for (const [header, key] of HEADERS) {
    const value = headers[header];
    if (value === undefined) throw new HttpError(401, 'Unauthorized', `Missing ${header === 'appidentifier' ? 'appIdentifier' : header === 'organisationid' ? 'organisationId' : header} header.`);
    if (value !== credentials[key]) throw new HttpError(401, 'Unauthorized', 'Invalid client credentials.');
  }
}
