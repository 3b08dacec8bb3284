import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ownModelsCheck, protocolErrorsOf } from './protocol-validator.js';
import { PROTOCOL_SCHEMA_ENV, PROTOCOL_YAML, protocolSchemaSource } from './repo-paths.js';

const nowhere = join(PROTOCOL_YAML, 'not-here.yaml');
const thisFile = fileURLToPath(import.meta.url);

describe('which protocol schema the harness validates against', () => {
  it('takes the shared folder beside the repository when it is there', () => {
    expect(protocolSchemaSource({}, thisFile)).toEqual({ kind: 'official', path: thisFile });
  });

  it('takes the path named by the environment variable first', () => {
    expect(protocolSchemaSource({ [PROTOCOL_SCHEMA_ENV]: thisFile }, nowhere)).toEqual({ kind: 'official', path: thisFile });
  });

  it('stops on an environment path that does not exist instead of checking less', () => {
    expect(() => protocolSchemaSource({ [PROTOCOL_SCHEMA_ENV]: nowhere }, PROTOCOL_YAML)).toThrow(PROTOCOL_SCHEMA_ENV);
  });

  it('falls back to the connector models outside CI, and says why', () => {
    const source = protocolSchemaSource({}, nowhere);
    expect(source.kind).toBe('own-models');
    expect(source.kind === 'own-models' && source.why).toContain(PROTOCOL_SCHEMA_ENV);
  });

  it('requires the official schema when CI=true', () => {
    expect(() => protocolSchemaSource({ CI: 'true' }, nowhere)).toThrow(/CI=true requires the official protocol schema/);
  });
});

describe('protocolErrorsOf (whichever schema is in use)', () => {
  it('accepts a valid record', () => {
    expect(protocolErrorsOf({ type: 'RECORD', record: { stream: 's', data: { a: 1 }, emitted_at: 1 } })).toEqual([]);
  });

  it('rejects a record without emitted_at, an unknown type and a missing payload', () => {
    expect(protocolErrorsOf({ type: 'RECORD', record: { stream: 's', data: {} } })).not.toEqual([]);
    expect(protocolErrorsOf({ type: 'GOSSIP' })).not.toEqual([]);
    expect(protocolErrorsOf({ type: 'STATE' })).toContain('/ a STATE message must carry "state"');
  });
});

describe('the fallback check: the connector protocol models', () => {
  it('accepts what the connector prints and rejects a wrong shape', () => {
    expect(ownModelsCheck({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 's' } }, sourceStats: { recordCount: 2 } } })).toEqual([]);
    expect(ownModelsCheck({ type: 'RECORD', record: { stream: 's', data: {}, emitted_at: 1.5 } })).not.toEqual([]);
    expect(ownModelsCheck({ type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: 1, stream_status: { stream_descriptor: { name: 's' }, status: 'DONE' } } })).not.toEqual([]);
  });
});
