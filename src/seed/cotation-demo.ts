/**
 * The demo's cotation (issue 17): each EPCI of the demo's stock gets the demo's grid, adopted
 * (src/seed/grille-demo.ts), and the réservataires and bailleurs hold the demands of the candidates
 * they proposed this year — the households of the CAL and of the inbox — plus, for Action Logement,
 * a few hundred more demands wishing the métropole's communes, so that a demand's position among
 * similar ones means something. Fictitious: numbers, dates and households are drawn with a seed.
 */
import { ajouterJours } from '../domain/calendrier.ts';
import type { Typologie } from '../domain/types.ts';
import type { candidatures, demandes, grillesCotation, locations } from '../db/schema.ts';
import { CRITERES_DEMO } from './grille-demo.ts';
import { hashSeed, Rng } from './synthetic.ts';

type LigneDemande = typeof demandes.$inferInsert;
type LigneGrille = typeof grillesCotation.$inferInsert;

/** The demo's adopted grid for each EPCI (in force since 1 February of the demo's year). */
export function grillesDemo(epcis: readonly string[], annee: number): LigneGrille[] {
  return [...new Set(epcis)].sort().map((epci) => ({
    id: `GRILLE-${epci}-V1`,
    epci,
    statut: 'adoptee',
    version: 1,
    criteres: CRITERES_DEMO,
    refusPoints: 10,
    refusDureeMois: 12,
    mutationsPoints: 0,
    enVigueurDu: `${annee}-02-01`,
    adoptionPar: 'le conseil communautaire',
    adoptionActe: `délibération du plan partenarial de gestion de la demande (démonstration) du 15/01/${annee}`,
    adoptionLe: `${annee}-01-15`,
    enregistreeLe: new Date(`${annee}-01-16T09:00:00Z`),
    creeLe: new Date(`${annee}-01-16T09:00:00Z`),
    majLe: new Date(`${annee}-01-16T09:00:00Z`),
  }));
}

/** Registration `jours` days ago, renewed within the last 300 days when older than that (still valid). */
function dates(aujourdhui: string, jours: number): { dateDemande: string; dateRenouvellement: string | null } {
  return {
    dateDemande: ajouterJours(aujourdhui, -jours),
    dateRenouvellement: jours < 300 ? null : ajouterJours(aujourdhui, -(jours % 300)),
  };
}

const VOISINE: Record<Typologie, Typologie> = { T1: 'T2', T2: 'T3', T3: 'T4', T4: 'T5', T5: 'T6', T6: 'T5' };

export function demandesDemo(p: {
  aujourdhui: string;
  candidatures: readonly (typeof candidatures.$inferInsert)[];
  locations: readonly (typeof locations.$inferInsert)[];
  logements: ReadonlyMap<string, { commune: string; typologie: Typologie }>;
  /** Action Logement's extra demands wish these communes (the métropole's). */
  communesEpci: readonly string[];
  actionLogement: string;
}): LigneDemande[] {
  const parLocation = new Map(p.locations.map((l) => [l.id, l]));
  const vues = new Set<string>();
  const r: LigneDemande[] = [];
  const importId = 'DEMO-DEMANDES';
  for (const c of p.candidatures) {
    const l = parLocation.get(c.locationId);
    const u = l ? p.logements.get(l.logementId) : undefined;
    if (!l || !u) continue;
    const organisationId = c.reservataireId ?? l.bailleurId;
    const cle = `${organisationId}|${c.numeroSne}`;
    if (vues.has(cle)) continue;
    vues.add(cle);
    const rng = new Rng(hashSeed(`flux-demo-demande-${c.numeroSne}`));
    r.push({
      id: `DEM-${organisationId}-${c.numeroSne}`,
      organisationId,
      numeroSne: c.numeroSne,
      ...dates(p.aujourdhui, rng.int(20, 4 * 365)),
      personnes: c.tailleMenage ?? 2,
      enfantsMoins14: Math.min(c.enfantsMoins14 ?? 0, (c.tailleMenage ?? 2) - 1),
      ressourcesAnnuelles: c.ressourcesAnnuelles ?? null,
      dalo: c.dalo ?? false,
      pdalhpd: c.pdalhpd ?? false,
      autreL4411: c.autreL4411 ?? false,
      communes: [u.commune],
      typologies: rng.chance(0.5) ? [u.typologie] : [u.typologie, VOISINE[u.typologie]],
      importId,
    });
  }
  // Action Logement's other demands: the métropole's communes, the central city first.
  const rng = new Rng(hashSeed('flux-demo-demandes-action-logement'));
  const TYPOS: Typologie[] = ['T1', 'T2', 'T3', 'T4', 'T5'];
  const communes = [...p.communesEpci].sort();
  const centre = communes.includes('45234') ? '45234' : communes[0];
  for (let i = 0; i < 400 && centre; i++) {
    const personnes = rng.int(1, 5);
    const t = TYPOS[Math.min(4, Math.max(0, personnes - 1 + rng.int(-1, 0)))]!;
    const numeroSne = `0452611${String(p.aujourdhui.slice(2, 4))}${String(i).padStart(6, '0')}`;
    r.push({
      id: `DEM-${p.actionLogement}-${numeroSne}`,
      organisationId: p.actionLogement,
      numeroSne,
      ...dates(p.aujourdhui, rng.int(5, 4 * 365)),
      personnes,
      enfantsMoins14: personnes > 2 ? rng.int(0, personnes - 2) : 0,
      ressourcesAnnuelles: rng.chance(0.05) ? null : rng.int(6_000, 42_000),
      dalo: rng.chance(0.06),
      pdalhpd: rng.chance(0.12),
      autreL4411: rng.chance(0.08),
      communes: [
        ...new Set([rng.chance(0.5) ? centre : rng.pick(communes), ...(rng.chance(0.4) ? [rng.pick(communes)] : [])]),
      ],
      typologies: rng.chance(0.6) ? [t] : [t, VOISINE[t]],
      importId,
    });
  }
  return r;
}
