/**
 * A small reader of our Dockerfile: stages and their instructions, with ENV/LABEL pairs and
 * the exec-form ENTRYPOINT decoded. Enough for the runtime-tree test to replay the build
 * from the file itself (so the test and the image cannot drift), not a general parser.
 */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

export interface CopyStep {
  from: string | undefined;
  sources: string[];
  dest: string;
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const logical: Array<{ text: string; line: number }> = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending === '') startLine = index + 1;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      return;
    }
    logical.push({ text: pending + line, line: startLine });
    pending = '';
  });
  for (const { text: entry, line } of logical) {
    const match = /^(\w+)\s+(.*)$/.exec(entry);
    if (!match) throw new Error(`Dockerfile line ${line}: cannot parse "${entry}"`);
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!.trim();
    if (keyword === 'FROM') {
      const [image, as, name] = args.split(/\s+/);
      stages.push({ image: image!, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) throw new Error(`Dockerfile line ${line}: ${keyword} before FROM`);
    stage.instructions.push({ keyword, args, line });
  }
  return stages;
}

/** `KEY=value KEY2="quoted value"` pairs of ENV and LABEL. */
export function parsePairs(args: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const match of args.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
    const value = match[2]!;
    pairs[match[1]!] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
  }
  return pairs;
}

export function pairsOf(stage: Stage, keyword: 'ENV' | 'LABEL'): Record<string, string> {
  return Object.assign({}, ...stage.instructions.filter((i) => i.keyword === keyword).map((i) => parsePairs(i.args)));
}

export function copySteps(stage: Stage): CopyStep[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const words = i.args.split(/\s+/);
      const flags = words.filter((w) => w.startsWith('--'));
      const paths = words.filter((w) => !w.startsWith('--'));
      const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
      return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
    });
}

/** The exec-form ENTRYPOINT (`["node", "..."]`) of a stage. */
export function entrypointOf(stage: Stage): string[] {
  const instruction = stage.instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1);
  if (instruction === undefined) throw new Error('the final stage has no ENTRYPOINT');
  return JSON.parse(instruction.args) as string[];
}

export function workdirOf(stage: Stage): string {
  const workdir = stage.instructions.filter((i) => i.keyword === 'WORKDIR').at(-1)?.args;
  if (workdir === undefined) throw new Error('stage has no WORKDIR');
  return workdir;
}
