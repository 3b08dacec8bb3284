import { execFileSync, execSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, matchesGlob, posix, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_NAMES } from '../../connector/streams/stream-registry.js';
import { makeTempDir, REPO_ROOT, runConnector, testConfig, writeInputFile } from '../support/index.js';
import { copySteps, entrypointOf, pairsOf, parseDockerfile, workdirOf, type Stage } from './dockerfile-parser.js';

/**
 * No Docker engine runs here, so this test builds the image's runtime tree without one: it
 * replays the Dockerfile's own steps (COPY from the build context minus .dockerignore, each
 * RUN of the build stage, then the final stage's COPY --from=build) in temp directories, and
 * runs the ENTRYPOINT from the result. `spec` and `discover` must work there with no dev
 * dependency installed. Slow (npm ci), so npm is told to prefer its cache.
 */

/** The build context: the files git would give a fresh clone (plus untracked, not ignored), minus .dockerignore. */
function contextFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(REPO_ROOT, f)));
  const patterns = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  // Docker excludes a path when a pattern matches it or any of its parent directories.
  const ignored = (file: string) => {
    const parts = file.split('/');
    return parts.some((_, i) => patterns.some((p) => matchesGlob(parts.slice(0, i + 1).join('/'), p)));
  };
  return [...new Set(listed)].filter((f) => !ignored(f));
}

interface Replay {
  buildDir: string;
  runtimeDir: string;
  runtime: Stage;
  workdir: string;
}

function replayDockerfile(root: string): Replay {
  const stages = parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
  const build = stages[0]!;
  const runtime = stages.at(-1)!;
  expect(stages).toHaveLength(2);
  const workdir = workdirOf(build);
  expect(workdirOf(runtime)).toBe(workdir);
  const buildDir = join(root, 'build');
  const runtimeDir = join(root, 'runtime');
  mkdirSync(buildDir);
  mkdirSync(runtimeDir);
  const files = contextFiles();
  const env: Record<string, string | undefined> = { ...process.env, NODE_PATH: undefined, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' };
  const copies = copySteps(build);
  let copyIndex = 0;
  for (const instruction of build.instructions) {
    if (instruction.keyword === 'ENV') Object.assign(env, pairsOf({ ...build, instructions: [instruction] }, 'ENV'));
    if (instruction.keyword === 'COPY') {
      const step = copies[copyIndex++]!;
      expect(step.from, `build stage COPY at line ${instruction.line} must copy from the context`).toBeUndefined();
      const destIsDir = step.dest.endsWith('/') || step.sources.length > 1;
      for (const source of step.sources) {
        const src = posix.normalize(source).replace(/\/$/, '');
        const matched = files.filter((f) => f === src || f.startsWith(`${src}/`));
        expect(matched.length, `COPY ${source}: nothing in the build context (check .dockerignore)`).toBeGreaterThan(0);
        for (const file of matched) {
          const target = destIsDir && file === src ? join(buildDir, step.dest, posix.basename(file)) : join(buildDir, step.dest, relative(src, file));
          mkdirSync(dirname(target), { recursive: true });
          cpSync(join(REPO_ROOT, file), target);
        }
      }
    }
    if (instruction.keyword === 'RUN') {
      execSync(instruction.args, { cwd: buildDir, env, stdio: ['ignore', 'ignore', 'pipe'], shell: '/bin/sh' });
    }
  }
  for (const step of copySteps(runtime)) {
    expect(step.from, 'the runtime stage copies only from the build stage').toBe(build.name);
    for (const source of step.sources) {
      const from = join(buildDir, posix.relative(workdir, source));
      expect(existsSync(from), `COPY --from=build ${source}: the build stage did not produce it`).toBe(true);
      const to = join(runtimeDir, step.dest);
      cpSync(from, statSync(from).isDirectory() || !step.dest.endsWith('/') ? to : join(to, posix.basename(source)), { recursive: true, verbatimSymlinks: true });
    }
  }
  return { buildDir, runtimeDir, runtime, workdir };
}

describe('the Docker image runtime tree', { timeout: 600_000 }, () => {
  const tmp = makeTempDir('source-finpro-image-');
  let replay: Replay;
  let script: string;
  let runtimeEnv: Record<string, string | undefined>;
  beforeAll(() => {
    replay = replayDockerfile(tmp.path);
    const [command, entry] = entrypointOf(replay.runtime);
    expect(command).toBe('node');
    script = join(replay.runtimeDir, posix.relative(replay.workdir, entry!));
    runtimeEnv = { ...pairsOf(replay.runtime, 'ENV'), NODE_PATH: undefined };
  }, 600_000);
  afterAll(() => tmp.remove());

  it('holds every production dependency and no dev dependency', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const modules = join(replay.runtimeDir, 'node_modules');
    for (const name of Object.keys(pkg.dependencies)) expect(existsSync(join(modules, name)), name).toBe(true);
    for (const name of Object.keys(pkg.devDependencies)) expect(existsSync(join(modules, name)), `dev dependency ${name} in the image`).toBe(false);
    expect(existsSync(join(replay.runtimeDir, 'connector')), 'TypeScript sources in the image').toBe(false);
  });

  it('runs spec from the ENTRYPOINT', async () => {
    const output = await runConnector(['spec'], { script, cwd: replay.runtimeDir, env: runtimeEnv });
    expect(output.exitCode).toBe(0);
    expect(output.spec?.connectionSpecification).toEqual(JSON.parse(readFileSync(join(REPO_ROOT, 'spec', 'spec.json'), 'utf8')).connectionSpecification);
  });

  it('runs discover from the ENTRYPOINT, from any working directory', async () => {
    const config = writeInputFile(tmp.path, 'config.json', testConfig());
    const output = await runConnector(['discover', '--config', config], { script, cwd: tmp.path, env: runtimeEnv });
    expect(output.exitCode).toBe(0);
    expect(output.catalog?.streams.map((s) => s.name)).toEqual(STREAM_NAMES);
  });
});
