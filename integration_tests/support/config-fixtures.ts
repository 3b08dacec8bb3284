import { testSecret } from './secret-scanner.js';

/**
 * Test configs. Each carries a fresh distinctive secret (`s3cr3t-...`), registered with the
 * secret scanner, so any run that echoes it fails. Override anything with a deep-ish merge of
 * the top level and `credentials`.
 */
export interface TestConfigOptions {
  baseUrl?: string;
  consentIds?: string[];
  credentials?: Partial<Record<'client_id' | 'client_secret' | 'app_identifier' | 'organisation_id', string>>;
  /** Extra or replaced top-level fields. */
  extra?: Record<string, unknown>;
}

export function testConfig(options: TestConfigOptions = {}): Record<string, unknown> & { credentials: Record<string, string> } {
  return {
    credentials: {
      client_id: 'test-client',
      client_secret: testSecret(),
      app_identifier: 'com.example.test',
      organisation_id: 'test-org',
      ...options.credentials,
    },
    base_url: options.baseUrl ?? 'http://127.0.0.1:9',
    consent_ids: options.consentIds ?? ['consent-0001', 'consent-0002'],
    ...options.extra,
  };
}
