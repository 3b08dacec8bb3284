import type { IncomingMessage } from 'node:http';
import { json, type SandboxResponse } from './http-io.js';
import { CONSENT_SCENARIOS, type ConsentScenario } from '../population/consent-scenario.js';
import type { SandboxContext } from '../sandbox-context.js';
import { iso } from '../util/time-format.js';

export interface SandboxConsent {
  id: string;
  index: number;
  scenario: ConsentScenario;
  account_count: number;
  accounts: Array<{ linkReferenceNumber: string; fiType: string; fipId: string; delivered: boolean }>;
  consentRangeFrom: string;
  consentRangeTo: string;
}

export function listConsents(ctx: SandboxContext, scenario?: ConsentScenario): SandboxConsent[] {
  const out: SandboxConsent[] = [];
  // Most consents share their range, so its text is formatted once per distinct value.
  const texts = new Map<number, string>();
  const text = (ms: number) => {
    let t = texts.get(ms);
    if (t === undefined) texts.set(ms, (t = iso(ms)));
    return t;
  };
  for (let i = 0; i < ctx.population.count; i++) {
    if (scenario && ctx.population.scenarioOf(i) !== scenario) continue;
    const c = ctx.population.consent(i);
    out.push({
      id: c.id,
      index: c.index,
      scenario: c.scenario,
      account_count: c.accounts.length,
      accounts: c.accounts.map((a) => ({
        linkReferenceNumber: a.linkReferenceNumber,
        fiType: a.fiType,
        fipId: a.fip.fipId,
        delivered: a.undelivered === null,
      })),
      consentRangeFrom: text(c.rangeFrom),
      consentRangeTo: text(c.rangeTo),
    });
  }
  return out;
}

/**
 * Sandbox-only routes under /_sandbox/: never faulted, never rate limited, no auth (the
 * sandbox binds to loopback by default and holds nothing secret).
 */
export function handleIntrospection(ctx: SandboxContext, req: IncomingMessage, url: URL): SandboxResponse {
  const route = `${req.method ?? 'GET'} ${url.pathname}`;
  switch (route) {
    case 'GET /_sandbox/consents': {
      const scenario = url.searchParams.get('scenario');
      if (scenario !== null && !(CONSENT_SCENARIOS as readonly string[]).includes(scenario)) {
        return json(400, { error: `scenario must be one of ${CONSENT_SCENARIOS.join(', ')}` });
      }
      // Only what the route shows, computed without building accounts (100,000 consents stay quick).
      const consents: Array<{ id: string; scenario: ConsentScenario; account_count: number }> = [];
      const p = ctx.population;
      for (let i = 0; i < p.count; i++) {
        const s = p.scenarioOf(i);
        if (scenario === null || s === scenario) consents.push({ id: p.idOf(i), scenario: s, account_count: p.accountCountOf(i) });
      }
      return json(200, { count: consents.length, consents });
    }
    case 'GET /_sandbox/stats':
      return json(200, ctx.stats.snapshot());
    case 'POST /_sandbox/reset-stats':
      ctx.stats.reset();
      return json(200, { ok: true });
    default:
      return json(404, { error: `no sandbox route ${route}` });
  }
}
