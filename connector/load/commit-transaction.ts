import type { AirbyteStateMessage } from '../protocol/airbyte-message.js';
import { stateJson } from '../protocol/state-line-serializer.js';
import { debugToStderr } from '../protocol/stderr-logger.js';
import { stateStreamName, type SqlRunner, type SqlStep, type StreamMove } from './load-destination.js';
import { mergeStatements } from './load-sql.js';
import type { SqlDialect } from './sql-dialect.js';

/**
 * The commit both databases do the same way, inside the caller's transaction (each database
 * has its own driver and BEGIN/COMMIT): every step (a choice asks the database, see SqlChoice),
 * then each state, replacing its stream's row of `_airbyte_state`. A state is thus never saved
 * without the rows before it, nor rows without their state.
 */
export async function commitInTransaction(tx: SqlRunner, steps: readonly SqlStep[], states: readonly AirbyteStateMessage[], label: string): Promise<void> {
  for (const step of steps) {
    for (const statement of await chosenStatements(step, async (sql) => (await tx.rows(sql))[0]?.['answer'] !== false)) {
      const startedAt = Date.now();
      await tx.run(statement);
      debugToStderr(`${label} ${Date.now() - startedAt} ms: ${statement.slice(0, 100)}`);
    }
  }
  for (const state of states) {
    const stream = stateStreamName(state);
    const namespace = state.stream?.stream_descriptor.namespace ?? '';
    await tx.run('DELETE FROM _airbyte_state WHERE stream_name = $1 AND stream_namespace = $2', [stream, namespace]);
    await tx.run('INSERT INTO _airbyte_state (stream_name, stream_namespace, state, updated_at) VALUES ($1, $2, $3, now())', [stream, namespace, stateJson(state) ?? JSON.stringify(state)]);
  }
}

/** The statements to run for `step`, asking the database through `ask` when it is a choice. */
export async function chosenStatements(step: SqlStep, ask: (sql: string) => Promise<boolean>): Promise<readonly string[]> {
  if (typeof step === 'string') return [step];
  return (await ask(step.when)) ? step.then : step.otherwise;
}

/**
 * Each move turned into its merge through the staging table (load-sql's mergeStatements), given
 * whether each table upserts and whether its rows may be tried as a plain insert.
 */
export function throughStaging(moves: readonly StreamMove[], dialect: SqlDialect, table: (name: string) => { upsert: boolean; insertPlainly: boolean }): SqlStep[] {
  return moves.flatMap((move) => {
    const { upsert, insertPlainly } = table(move.plan.table);
    return mergeStatements(dialect, move, upsert, insertPlainly);
  });
}
