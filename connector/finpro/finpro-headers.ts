import type { Config } from '../config.js';

/** The four authentication headers every FinPro request carries, plus the content type. */
export function finproAuthHeaders(credentials: Config['credentials']): Record<string, string> {
  return {
    client_id: credentials.client_id,
    client_secret: credentials.client_secret,
    appIdentifier: credentials.app_identifier,
    organisationId: credentials.organisation_id,
  };
}

/** Joins the configured base URL (which may carry a path prefix) with an API path. */
export function finproUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + path;
}
