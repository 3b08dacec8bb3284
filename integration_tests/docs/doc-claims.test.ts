import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_VIEWS } from '../../connector/load/analysis-views.js';
import { DEFAULT_COMMIT_INTERVAL_MS } from '../../connector/load/airbyte-loader.js';
import { DEFAULT_MEMORY_BUDGET_BYTES, memoryBudget } from '../../connector/load/memory-budget.js';
import { duckdbDialect, postgresDialect } from '../../connector/load/sql-dialect.js';
import { AIRBYTE_COLUMNS, ColumnKind, columnKindOf } from '../../connector/load/table-mapping.js';
import { STREAMS } from '../../connector/streams/stream-registry.js';
import { REPO_ROOT } from '../support/repo-paths.js';
import { anchors, codeSpans, linkTargets, readDoc, section, tableRows, type MarkdownDoc } from './markdown-reader.js';

/**
 * What README.md and connector/load/README-sync.md say about the code, read from the code: the
 * column types, the decimal precision, the streams and their keys, the staging method, the
 * memory figures, the views, and every file and link they cite. Change one side without the
 * other and this fails. (The config table is held to the zod schema in readme-config-table.test.ts.)
 */

const readme = readDoc('README.md');
const sync = readDoc('connector/load/README-sync.md');
const DOCS = [readme, sync];

/** `a`, `b` -> ['a', 'b']. */
const names = (cell: string) => codeSpans(cell);
/** A doc's type cell without its remark: `DECIMAL(38,10) (an 11th place: ...)` -> `DECIMAL(38,10)`. */
const typeOf = (cell: string) => cell.replace(/`/g, '').replace(/\s+\(.*$/, '').trim();

describe('column types (README-sync "Tables")', () => {
  const tables = section(sync, 'Tables');
  const rows = tableRows(tables, ['JSON Schema', 'DuckDB', 'Postgres']);

  it('each row gives the type each dialect creates for that JSON Schema', () => {
    const documentedKinds = new Set<ColumnKind>();
    for (const [schemaCell, duckdb, postgres] of rows) {
      const spans = names(schemaCell!);
      const format = spans.find((span) => span.startsWith('format: '))?.slice('format: '.length);
      const types = spans.filter((span) => !span.startsWith('format: '));
      expect(types.length, schemaCell).toBeGreaterThan(0);
      for (const type of types) {
        const kind = columnKindOf(format === undefined ? { type } : { type, format });
        documentedKinds.add(kind);
        expect({ schema: schemaCell, duckdb: typeOf(duckdb!), postgres: typeOf(postgres!) }).toEqual({
          schema: schemaCell,
          duckdb: duckdbDialect.columnType(kind),
          postgres: postgresDialect.columnType(kind),
        });
      }
    }
    // uuid is only the _airbyte_raw_id column, checked below.
    expect([...documentedKinds].sort()).toEqual(ColumnKind.options.filter((kind) => kind !== 'uuid').sort());
  });

  it("names Airbyte's columns in the order and with the DuckDB types the loader creates", () => {
    const documented = [...tables.matchAll(/`(_airbyte_\w+)` \((\w+)/g)].map((m) => ({ name: m[1], type: m[2] }));
    expect(documented).toEqual(AIRBYTE_COLUMNS.map((column) => ({ name: column.name, type: duckdbDialect.columnType(column.kind) })));
  });
});

describe('decimal precision', () => {
  const decimal = duckdbDialect.columnType('decimal');
  const scale = Number(/,(\d+)\)$/.exec(decimal)![1]);
  const ORDINALS = ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth'];

  it('every DECIMAL(p,s) the docs name is the one DuckDB tables get', () => {
    for (const doc of DOCS) {
      for (const [type] of doc.prose.matchAll(/DECIMAL\(\d+,\s*\d+\)/g)) expect(`${doc.path}: ${type}`).toBe(`${doc.path}: ${decimal}`);
    }
  });

  it('the decimal place said to be NULLed is the first one past the scale', () => {
    const said = DOCS.flatMap((doc) =>
      [...doc.prose.matchAll(/\b(\d+)(?:st|nd|rd|th)\s+(?:decimal\s+)?place|\b([a-z]+th|first|second|third|twelfth)\s+(?:decimal\s+)?place/gi)].map((m) =>
        m[1] !== undefined ? Number(m[1]) : ORDINALS.indexOf(m[2]!.toLowerCase()),
      ),
    );
    expect(said.length).toBeGreaterThan(0);
    for (const place of said) expect(place).toBe(scale + 1);
  });

  it('README "Amounts in warehouses" gives our own destinations\' amount types', () => {
    const rows = tableRows(section(readme, 'Amounts in warehouses'), ['where', 'column type for an amount', 'exact?']);
    const ours = (database: string) => typeOf(rows.find(([where]) => where === `our \`sync\` / \`load\`, ${database}`)![1]!);
    expect(ours('DuckDB')).toBe(decimal);
    expect(ours('Postgres')).toBe(postgresDialect.columnType('decimal'));
  });
});

describe('streams (README "Streams and state" and the intro)', () => {
  it('the table lists every stream in discover order with its primary key and cursor', () => {
    const rows = tableRows(section(readme, 'Streams and state'), ['stream', 'one record per', 'primary key', 'cursor']);
    expect(rows.map(([stream, , primaryKey, cursor]) => ({ stream: names(stream!)[0], primaryKey: names(primaryKey!), cursor: names(cursor!) }))).toEqual(
      STREAMS.map((stream) => ({ stream: stream.name, primaryKey: stream.primaryKey.map((path) => path.join('.')), cursor: [stream.cursorField.join('.')] })),
    );
  });

  it('the intro names every stream', () => {
    const intro = readme.prose.slice(0, readme.prose.indexOf('\n## ')).replace(/\s+/g, ' ');
    const listed = /emits (\w+) streams \(([^)]*)\)/.exec(intro);
    expect(listed, 'README intro: "emits <n> streams (...)"').not.toBeNull();
    const NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
    expect(NUMBERS[STREAMS.length]).toBe(listed![1]);
    expect(names(listed![2]!)).toEqual(STREAMS.map((stream) => stream.name));
  });
});

describe('staging (README-sync "How it loads")', () => {
  const loadDir = join(REPO_ROOT, 'connector', 'load');
  // Code only: a comment may say what a method replaced.
  const loaderCode = readdirSync(loadDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.includes('test-support'))
    .map((file) => readFileSync(join(loadDir, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, ''))
    .join('\n');
  const METHODS = [
    { method: 'COPY ... FROM STDIN', inDoc: /COPY \.\.\. FROM STDIN/, inCode: /\bCOPY\b[^\n]*\bFROM STDIN\b/ },
    { method: 'read_json', inDoc: /\bread_json\b/, inCode: /\bread_json\(/ },
    { method: 'json_populate_recordset', inDoc: /json_populate_recordset/, inCode: /json_populate_recordset\(/ },
    { method: 'the DuckDB appender', inDoc: /\bappender\b/i, inCode: /createAppender|\bAppender\b/ },
  ];

  it('README-sync names exactly the staging methods the loader uses', () => {
    const howItLoads = section(sync, 'How it loads');
    for (const { method, inDoc, inCode } of METHODS) expect(`${method}: documented ${inDoc.test(howItLoads)}`).toBe(`${method}: documented ${inCode.test(loaderCode)}`);
  });

  it('README names no staging method the loader does not use', () => {
    for (const { method, inDoc, inCode } of METHODS) if (inDoc.test(readme.prose)) expect(`${method}: used ${inCode.test(loaderCode)}`).toBe(`${method}: used true`);
  });

  it('says which database stages text and which stages typed values', () => {
    const staging = section(sync, 'How it loads').replace(/\s+/g, ' ');
    expect(postgresDialect.stagesTyped).toBe(false);
    expect(staging).toMatch(/Postgres: records are typed and checked in TypeScript .* staged as text/);
    expect(duckdbDialect.stagesTyped).toBe(true);
    expect(staging).toMatch(/DuckDB's `read_json` types\s+and checks every value on the way in \(/);
  });
});

describe('memory and commits (README-sync "Memory", "How it loads")', () => {
  const budget = memoryBudget(DEFAULT_MEMORY_BUDGET_BYTES, 2);
  const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;

  it('gives the default budget and its shares as memory-budget.ts computes them', () => {
    const memory = section(sync, 'Memory').replace(/\s+/g, ' ');
    expect(memory).toContain(`**${mb(DEFAULT_MEMORY_BUDGET_BYTES)} by default**`);
    expect(memory).toContain(`(${mb(budget.duckdbBytes)} by default)`);
    expect(memory).toContain(`(${budget.maxPendingRows.toLocaleString('en-US')} rows by default`);
  });

  it('gives the commit interval the loader uses', () => {
    expect(section(sync, 'How it loads').replace(/\s+/g, ' ')).toContain(`commits every ${DEFAULT_COMMIT_INTERVAL_MS / 1000} s`);
  });
});

describe('views (README-sync "Views")', () => {
  const bullets = section(sync, 'Views')
    .split(/^- /m)
    .slice(1)
    .map((bullet) => /^`(\w+)`:([\s\S]*)$/.exec(bullet))
    .filter((m) => m !== null)
    .map((m) => ({ name: m[1]!, text: m[2]! }));

  it('lists every view the loader creates', () => {
    expect(bullets.map((bullet) => bullet.name)).toEqual(ANALYSIS_VIEWS.map((view) => view.name));
  });

  it('names only columns its view selects', () => {
    for (const { name, text } of bullets) {
      const sql = ANALYSIS_VIEWS.find((view) => view.name === name)!.select;
      // Lower-case spans are column names; upper-case ones are values (`CREDIT`, `BUY`).
      for (const column of codeSpans(text).filter((span) => /^[a-z][a-z0-9_]*$/.test(span))) expect(sql, `${name}.${column}`).toMatch(new RegExp(`\\b${column}\\b`));
    }
  });
});

describe('files and links the docs cite', () => {
  const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.tmp']);
  const repoFiles = (dir: string): string[] =>
    readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : [`${path}/`, ...repoFiles(path)];
      return [path];
    });
  const all = repoFiles('');
  const basenames = new Set(all.map((path) => path.replace(/\/$/, '').split('/').pop()!));
  /** Named but deliberately not in the repository. */
  const ELSEWHERE = new Set(['airbyte_protocol.yaml']);

  /** Repository-relative, or relative to the doc, or (a bare name) somewhere in the repository. */
  const resolves = (doc: MarkdownDoc, cited: string): boolean => {
    const fromDoc = normalize(join(dirname(doc.path), cited));
    if (fromDoc.startsWith('..') || cited.startsWith('../')) return true; // beside the repository (../shared)
    if (existsSync(join(REPO_ROOT, cited)) || existsSync(join(REPO_ROOT, fromDoc))) return true;
    return !cited.replace(/\/$/, '').includes('/') && basenames.has(cited.replace(/\/$/, ''));
  };

  it.each(DOCS.map((doc) => [doc.path, doc] as const))('every file or folder %s names in code exists', (_path, doc) => {
    const cited = codeSpans(doc.prose).filter((span) => /^[\w.-]+(\/[\w.-]+)*(\.(ts|md|json|jsonl|ya?ml|mjs)|\/)$/.test(span) && !ELSEWHERE.has(span));
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.filter((span) => !resolves(doc, span))).toEqual([]);
  });

  it.each(DOCS.map((doc) => [doc.path, doc] as const))('every link of %s reaches a file and, with #, a heading', (_path, doc) => {
    const broken = linkTargets(doc).filter((target) => {
      const [file = '', anchor] = target.split('#');
      const targetPath = file === '' ? doc.path : relative(REPO_ROOT, join(REPO_ROOT, dirname(doc.path), file));
      if (targetPath.startsWith('..')) return false;
      if (!existsSync(join(REPO_ROOT, targetPath))) return true;
      return anchor !== undefined && targetPath.endsWith('.md') && !anchors(readDoc(targetPath)).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});
