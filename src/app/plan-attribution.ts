/**
 * Use case « the allocation plan » (issue 18 item 1, ADR 0042): read the plan file, check it,
 * forecast the flow by segment (or take the segments given), build the linear program in the
 * domain and solve it with HiGHS.
 */
import { problemesZod } from '../contracts/issues.ts';
import { planAttributionSchema } from '../contracts/plan-attribution.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import { departementDeCommune } from '../domain/perimeter.ts';
import {
  cleSegment,
  fluxPrevuParSegment,
  planifierAttribution,
  preparerPlan,
  type ResultatPlanAttribution,
  type Segment,
} from '../domain/plan-attribution.ts';
import { validerScenario } from '../domain/validation.ts';
import { epciDeCommune, nomDeCommune } from '../import/cog.ts';
import { completerEpci, positionJson } from './scenario.ts';
import { solveurHighs } from './solveur-lineaire.ts';

export async function planAttributionTexte(texte: string): Promise<ResultatPlanAttribution> {
  let brut: unknown;
  try {
    brut = JSON.parse(texte);
  } catch (err) {
    throw new DonneesInvalides([{ chemin: positionJson(texte, err), message: 'JSON invalide' }]);
  }
  const r = planAttributionSchema.safeParse(brut, { reportInput: true });
  if (!r.success) throw new DonneesInvalides(problemesZod(r.error));
  const scenario = completerEpci(r.data.scenario);
  const problemes: Probleme[] = validerScenario(scenario).map((p) => ({ ...p, chemin: `scenario.${p.chemin}` }));
  const ids = new Set(scenario.logements.map((l) => l.id));
  r.data.attribution?.loyersSousPlafondApl?.forEach((id, i) => {
    if (!ids.has(id))
      problemes.push({ chemin: `attribution.loyersSousPlafondApl[${i}]`, message: `logement « ${id} » inconnu` });
  });
  const vus = new Map<string, number>();
  r.data.attribution?.segments?.forEach((s, i) => {
    const cle = cleSegment(s);
    const avant = vus.get(cle);
    if (avant !== undefined)
      problemes.push({
        chemin: `attribution.segments[${i}]`,
        message: `même commune, typologie, financement et QPV que attribution.segments[${avant}] : un segment une fois`,
      });
    else vus.set(cle, i);
    if (departementDeCommune(s.commune) !== scenario.departement)
      problemes.push({
        chemin: `attribution.segments[${i}].commune`,
        message: `la commune ${s.commune} n’est pas dans le département ${scenario.departement}`,
      });
  });
  if (problemes.length > 0) throw new DonneesInvalides(problemes);
  const segments: Segment[] = r.data.attribution?.segments
    ? r.data.attribution.segments.map((s) => {
        const epci = s.epci ?? epciDeCommune(s.commune);
        return epci ? { ...s, epci } : s;
      })
    : fluxPrevuParSegment(scenario, r.data.hypotheses!, new Set(r.data.attribution?.loyersSousPlafondApl ?? []));
  const resoudre = await solveurHighs();
  return planifierAttribution(preparerPlan(scenario, segments), resoudre, (c) => {
    const nom = nomDeCommune(c);
    return nom ? `${nom} (${c})` : `la commune ${c}`;
  });
}
