import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/repo-paths.js';

/**
 * Just enough Markdown reading for the doc tests: sections by heading, pipe tables, inline code,
 * links and GitHub's heading anchors. Fenced code is blanked first, so a `# comment` in a shell
 * block is no heading and its text is no claim.
 */

export interface MarkdownDoc {
  /** Repository-relative path. */
  readonly path: string;
  /** The text with fenced code blocks blanked (line numbers kept). */
  readonly prose: string;
}

export function readDoc(path: string): MarkdownDoc {
  const text = readFileSync(join(REPO_ROOT, path), 'utf8');
  let fenced = false;
  const prose = text
    .split('\n')
    .map((line) => {
      if (line.trimStart().startsWith('```')) {
        fenced = !fenced;
        return '';
      }
      return fenced ? '' : line;
    })
    .join('\n');
  return { path, prose };
}

interface Heading {
  readonly level: number;
  readonly title: string;
  readonly index: number;
}

function headings(doc: MarkdownDoc): Heading[] {
  return [...doc.prose.matchAll(/^(#{1,6}) (.+)$/gm)].map((m) => ({ level: m[1]!.length, title: m[2]!.trim(), index: m.index }));
}

/** The text under the first heading whose title starts with `title`, up to the next heading of the same or a higher level. */
export function section(doc: MarkdownDoc, title: string): string {
  const all = headings(doc);
  const at = all.findIndex((h) => h.title.startsWith(title));
  if (at < 0) throw new Error(`${doc.path} has no heading "${title}"`);
  const start = all[at]!;
  const end = all.slice(at + 1).find((h) => h.level <= start.level);
  return doc.prose.slice(start.index, end?.index ?? doc.prose.length);
}

/** The anchors GitHub gives the headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function anchors(doc: MarkdownDoc): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const { title } of headings(doc)) {
    const slug = title
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** The body rows of the first pipe table in `text` whose header row has these cells, each row as its trimmed cells. */
export function tableRows(text: string, header: readonly string[]): string[][] {
  const lines = text.split('\n');
  const cells = (line: string) => line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((cell) => cell.trim());
  const at = lines.findIndex((line) => line.trim().startsWith('|') && JSON.stringify(cells(line)) === JSON.stringify(header));
  if (at < 0) throw new Error(`no table with header | ${header.join(' | ')} |`);
  const rows: string[][] = [];
  for (const line of lines.slice(at + 2)) {
    if (!line.trim().startsWith('|')) break;
    rows.push(cells(line));
  }
  return rows;
}

/** The inline code spans of a text, in order. */
export function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
}

/** The targets of inline links, web addresses left out. */
export function linkTargets(doc: MarkdownDoc): string[] {
  return [...doc.prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/i.test(target));
}
