import { afterAll, describe, expect, it } from 'vitest';
import { configuredCatalog, makeTempDir, runConnector, runRead, StateBuilder, testConfig, writeInputFile, type EntrypointOutput } from '../support/index.js';

/**
 * A malformed `read` must stop at the door: one TRACE ERROR with failure_type config_error
 * naming what is wrong, exit 1, nothing else on stdout (no raw text, no records, no state).
 */

function expectConfigError(output: EntrypointOutput, messagePattern: RegExp): void {
  expect(output.exitCode).toBe(1);
  expect(output.messages.map((m) => m.type)).toEqual(['TRACE']);
  expect(output.errors).toHaveLength(1);
  expect(output.errors[0]!.failure_type).toBe('config_error');
  expect(output.errors[0]!.message).toMatch(messagePattern);
  // A user mistake is not a crash: no stack trace in the protocol, none on stderr.
  expect(output.errors[0]!.stack_trace).toBeUndefined();
  expect(output.stderr).not.toMatch(/\n\s+at /);
}

const catalog = configuredCatalog();
const firstStream = catalog.streams[0]!;

describe('read rejects malformed input', () => {
  const dir = makeTempDir();
  afterAll(() => dir.remove());

  it('a stream this source does not have', async () => {
    const bad = { streams: [{ ...firstStream, stream: { ...firstStream.stream, name: 'no_such_stream' } }] };
    expectConfigError(await runRead({ config: testConfig(), catalog: bad }), /catalog\.streams\.0\.stream\.name "no_such_stream" is not a stream/);
  });

  it('an unknown sync mode', async () => {
    const bad = { streams: [{ ...firstStream, sync_mode: 'cdc' }] };
    expectConfigError(await runRead({ config: testConfig(), catalog: bad }), /catalog\.streams\.0\.sync_mode/);
  });

  it('a cursor_field other than the source-defined one', async () => {
    const bad = { streams: [{ ...firstStream, cursor_field: ['batch_id'] }] };
    expectConfigError(await runRead({ config: testConfig(), catalog: bad }), /cursor_field \[batch_id\] differs from the source-defined cursor \[updated_at\]/);
  });

  it('the same stream twice', async () => {
    const bad = { streams: [firstStream, firstStream] };
    expectConfigError(await runRead({ config: testConfig(), catalog: bad }), /catalog\.streams\.1\.stream\.name "bulk_batches" is configured twice/);
  });

  it('a catalog that selects nothing', async () => {
    expectConfigError(await runRead({ config: testConfig(), catalog: { streams: [] } }), /selects no stream/);
  });

  it('a catalog file that is not JSON', async () => {
    const path = writeInputFile(dir.path, 'catalog.json', '{"streams": [');
    expectConfigError(await runRead({ config: testConfig(), catalog: path }), /catalog file .* is not valid JSON/);
  });

  it('a catalog file that does not exist', async () => {
    expectConfigError(await runRead({ config: testConfig(), catalog: dir.file('nope.json') }), /Cannot read the catalog file .*no such file/);
  });

  it('state that is an object, not a list (LEGACY blob)', async () => {
    expectConfigError(await runRead({ config: testConfig(), catalog, state: { bulk_batches: { updated_at: 'x' } } }), /expected a JSON array.*LEGACY/);
  });

  it('a LEGACY state message', async () => {
    const state = new StateBuilder().raw({ type: 'LEGACY', data: { cursor: 'x' } }).build();
    expectConfigError(await runRead({ config: testConfig(), catalog, state }), /state\.0\.type is LEGACY/);
  });

  it('a state message with no type (LEGACY by omission)', async () => {
    const state = new StateBuilder().raw({ data: { cursor: 'x' } }).build();
    expectConfigError(await runRead({ config: testConfig(), catalog, state }), /state\.0\.type is missing \(LEGACY\)/);
  });

  it('a GLOBAL state message', async () => {
    const state = new StateBuilder().raw({ type: 'GLOBAL', global: { shared_state: {}, stream_states: [] } }).build();
    expectConfigError(await runRead({ config: testConfig(), catalog, state }), /state\.0\.type is GLOBAL/);
  });

  it('a malformed STREAM state', async () => {
    const state = new StateBuilder().raw({ type: 'STREAM', stream: { stream_state: {} } }).build();
    expectConfigError(await runRead({ config: testConfig(), catalog, state }), /state\.0\.stream\.stream_descriptor/);
  });

  it('two states for one stream', async () => {
    const state = new StateBuilder().withStreamState('fi_data', {}).withStreamState('fi_data', {}).build();
    expectConfigError(await runRead({ config: testConfig(), catalog, state }), /state\.1 is a second state for stream fi_data/);
  });

  it('a state file that is not JSON', async () => {
    const path = writeInputFile(dir.path, 'state.json', '[{"type": "STREAM"');
    expectConfigError(await runRead({ config: testConfig(), catalog, state: path }), /state file .* is not valid JSON/);
  });

  it('an invalid config, before anything else', async () => {
    expectConfigError(await runRead({ config: testConfig({ consentIds: ['has space'] }), catalog }), /config\.consent_ids\.0/);
  });

  it('no --catalog at all', async () => {
    const config = writeInputFile(dir.path, 'config.json', testConfig());
    expectConfigError(await runConnector(['read', '--config', config]), /Invalid command line: .*--catalog/);
  });

  it('an unknown command', async () => {
    expectConfigError(await runConnector(['fetch-everything']), /Invalid command line: unknown command 'fetch-everything'/);
  });
});
