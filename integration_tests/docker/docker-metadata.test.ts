import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../support/index.js';
import { entrypointOf, pairsOf, parseDockerfile } from './dockerfile-parser.js';

/** The image's identity must agree everywhere the platform looks: labels, entrypoint, metadata.yaml, package.json. */
describe('Dockerfile and metadata.yaml', () => {
  const stages = parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
  const runtime = stages.at(-1)!;
  const metadata = (parseYaml(readFileSync(join(REPO_ROOT, 'metadata.yaml'), 'utf8')) as { data: Record<string, unknown> }).data;
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string; license: string };

  it('labels name and version as metadata.yaml and package.json do', () => {
    const labels = pairsOf(runtime, 'LABEL');
    expect(labels['io.airbyte.name']).toBe(metadata['dockerRepository']);
    expect(labels['io.airbyte.version']).toBe(metadata['dockerImageTag']);
    expect(metadata['dockerRepository']).toBe('airbyte/source-finpro');
    expect(metadata['dockerImageTag']).toBe(pkg.version);
  });

  it('sets AIRBYTE_ENTRYPOINT equal to the ENTRYPOINT', () => {
    expect(pairsOf(runtime, 'ENV')['AIRBYTE_ENTRYPOINT']).toBe(entrypointOf(runtime).join(' '));
  });

  it('builds on a pinned Node LTS slim image, runs as a non-root user', () => {
    for (const stage of stages) expect(stage.image).toMatch(/^node:(20|22)\.\d+\.\d+-(bookworm-)?slim$/);
    const user = runtime.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('describes a source connector in Airbyte metadata format', () => {
    expect(metadata).toMatchObject({ connectorType: 'source', name: 'FinPro', license: pkg.license });
    expect(metadata['definitionId']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
