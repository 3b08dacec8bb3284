/**
 * What every stream declares about itself. The read engine produces the records (one batch
 * feeds all five streams), so a stream's file holds its identity and the pure mapping from
 * FinPro payloads to its records; discover, the catalog check and the loaders read the rest.
 */
export interface StreamDefinition<Name extends string = string> {
  readonly name: Name;
  /** Airbyte primary key: a list of field paths. */
  readonly primaryKey: readonly (readonly string[])[];
  /** The source-defined cursor path. */
  readonly cursorField: readonly string[];
}

export function defineStream<const Name extends string>(definition: StreamDefinition<Name>): StreamDefinition<Name> {
  return definition;
}
