/**
 * The CI's dependency audit (issue 15 item 9): high or critical advisories fail, a service that
 * does not answer is a loud skip, never a silent pass of an unread report.
 */
import { describe, expect, it } from 'vitest';
import { verdictAudit } from '../../scripts/audit-deps.ts';

const rapport = (compte: Record<string, number>, vulnerabilities: Record<string, { severity: string }> = {}) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities,
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...compte } },
  });

describe('verdict de npm audit', () => {
  it('aucun avis haut ou critique → ok (les moyens et bas ne bloquent pas)', () => {
    expect(verdictAudit(rapport({ moderate: 2, low: 1 }), 1)).toMatchObject({ verdict: 'ok' });
    expect(verdictAudit(rapport({}), 0)).toMatchObject({ verdict: 'ok' });
  });

  it('un avis haut ou critique → échec, avec les paquets nommés', () => {
    const v = verdictAudit(
      rapport(
        { high: 1, critical: 1 },
        { a: { severity: 'high' }, b: { severity: 'critical' }, c: { severity: 'low' } },
      ),
      1,
    );
    expect(v).toMatchObject({ verdict: 'echec', graves: 2, paquets: ['a (high)', 'b (critical)'] });
  });

  it('service absent, refus, délai dépassé → indisponible (jamais ok)', () => {
    const refus = JSON.stringify({ message: '405 Method Not Allowed', statusCode: 405, error: { summary: '' } });
    expect(verdictAudit(refus, 1)).toEqual({ verdict: 'indisponible', raison: '405 Method Not Allowed' });
    expect(verdictAudit('', null)).toEqual({ verdict: 'indisponible', raison: 'délai dépassé' });
    expect(verdictAudit('npm error network', 1)).toEqual({ verdict: 'indisponible', raison: 'réponse illisible' });
    expect(verdictAudit('{}', 1)).toEqual({ verdict: 'indisponible', raison: 'aucun rapport' });
  });
});
