import { ConsentPopulation } from '../population/consent-population.js';
import { generateAccountData } from '../population/fi-data-generator.js';
import type { FiShape } from '../population/fi-shape.js';

/**
 * Times the FI generator alone (no HTTP): every account of the first `consents` consents,
 * one year each, serialized as /getallfidata would. Prints ms per account and per 1,000
 * accounts so a change to the generator can be compared with the run before it.
 * Usage: node dist/sandbox/scripts/time-fi-generator.js [consents] [rounds] [finpro|lower|mixed]
 */
const consents = Number(process.argv[2] ?? 3000);
const rounds = Number(process.argv[3] ?? 5);
const shape = (process.argv[4] ?? 'finpro') as FiShape;
const DAY = 86_400_000;
const anchor = Date.UTC(2026, 10, 23);
const population = new ConsentPopulation(42, consents, anchor);
const times: number[] = [];
// CPU time, not wall time: these machines are shared, and the generator is single-threaded.
const cpu: number[] = [];
let accounts = 0;
let bytes = 0;
for (let r = 0; r < rounds; r++) {
  accounts = 0;
  bytes = 0;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < consents; i++) {
    const consent = population.consent(i);
    for (const account of consent.accounts) {
      const generated = generateAccountData(42, consent, account, anchor - 365 * DAY, anchor - 1, shape);
      bytes += JSON.stringify(generated.json).length;
      accounts++;
    }
  }
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  const used = process.cpuUsage(cpuStart);
  cpu.push((used.user + used.system) / 1000);
}
cpu.sort((a, b) => a - b);
const cpuMedian = cpu[Math.floor(cpu.length / 2)] ?? 0;
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)] ?? 0;
console.log(JSON.stringify({ shape, consents, accounts, bytes, median_ms: Math.round(median), us_per_account: Math.round((median / accounts) * 1000), cpu_us_per_account: Math.round((cpuMedian / accounts) * 1000) }));
