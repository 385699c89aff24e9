/**
 * An EPCI's CIA targets (CCH L.441-1, L.441-1-6; ADR 0038) and whether the allocation reform binds
 * it (CCH L.441-1-5). The targets are dated, versioned data: each entry is a new version (who, when,
 * the CIA's reference and adoption date, the date it applies from), never an update; the version in
 * force for a year is the latest applying on or before its 31 December. Only the EPCI enters its
 * own (`lecteur_epci`: the one write that role has, a record of its own deliberation), audited;
 * everyone who sees the objectives reads them. The objectives page, the dashboards, « À traiter »
 * and the engine's year (bilan files, `flux simulate` on the exported scenario) all measure against
 * them (`ciblesCiaDeLAnnee`).
 */
import { and, count, desc, eq, lte, max, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { ciblesCia, epcis, logements, communes, quartiersPrioritaires, utilisateurs } from '../db/schema.ts';
import type { CiblesCiaApi, SaisieCiblesCia } from '../contracts/cibles-cia.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import { parametreEnVigueur, valeurAu } from '../domain/legal-parameters.ts';
import { assujettissementReforme, CRITERES_REFORME, type Assujettissement } from '../domain/reforme-attributions.ts';
import type { CiblesEpci } from '../domain/types.ts';
import { descriptionEpci, nomEpci } from '../import/cog.ts';
import { journaliser } from './audit.ts';
import { Conflit, Interdit, Introuvable } from './errors.ts';
import { exiger, type Acteur } from './roles.ts';

const LECTEURS = ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'] as const;

const nombre = (v: string | null): number | null => (v === null ? null : Number(v));

/**
 * The CIA targets in force for `annee`, by EPCI SIREN, as the engine reads them
 * (`Scenario.objectifsEpci`, `ParametresObjectifs.ciblesParEpci`); an EPCI with no CIA is absent.
 */
export async function ciblesCiaDeLAnnee(tx: Tx, annee: number): Promise<Record<string, CiblesEpci>> {
  const cia = await ciaDeLAnnee(tx, annee);
  return Object.fromEntries([...cia].map(([epci, v]) => [epci, v.cibles]));
}

/** The CIA version in force for `annee` per EPCI: its targets and its reference. */
export async function ciaDeLAnnee(
  tx: Tx,
  annee: number,
): Promise<Map<string, { cibles: CiblesEpci; referenceCia: string; version: number }>> {
  const rows = await tx
    .select({
      epci: ciblesCia.epci,
      version: ciblesCia.version,
      q1: ciblesCia.quartile1HorsQpv,
      qpv: ciblesCia.nonQuartile1EnQpv,
      referenceCia: ciblesCia.referenceCia,
    })
    .from(ciblesCia)
    .where(lte(ciblesCia.applicableDu, `${annee}-12-31`))
    .orderBy(ciblesCia.epci, desc(ciblesCia.applicableDu), desc(ciblesCia.version));
  const r = new Map<string, { cibles: CiblesEpci; referenceCia: string; version: number }>();
  for (const row of rows) {
    if (r.has(row.epci)) continue;
    const c: CiblesEpci = {};
    if (row.q1 !== null) c.quartile1HorsQpv = Number(row.q1);
    if (row.qpv !== null) c.nonQuartile1EnQpv = Number(row.qpv);
    r.set(row.epci, { cibles: c, referenceCia: row.referenceCia, version: row.version });
  }
  return r;
}

/** Whether the reform binds the EPCI: its nature and populations in the COG, a QPV on its territory. */
export async function reformeDeLEpci(tx: Tx, siren: string): Promise<Assujettissement & { source: string }> {
  const cog = descriptionEpci(siren);
  const membres = cog?.communes ?? [];
  // A QPV on the territory: in the QPV list loaded, or on a unit recorded there.
  const [q] = membres.length
    ? await tx
        .select({ n: count() })
        .from(quartiersPrioritaires)
        .where(
          sql`${quartiersPrioritaires.communes} ?| array[${sql.join(
            membres.map((m) => sql`${m}`),
            sql`, `,
          )}]::text[]`,
        )
    : [{ n: 0 }];
  const [l] = await tx
    .select({ n: count() })
    .from(logements)
    .leftJoin(communes, eq(communes.code, logements.commune))
    .where(and(sql`coalesce(${logements.epci}, ${communes.epci}) = ${siren}`, sql`${logements.qpv} is not null`));
  const qpv = (q?.n ?? 0) > 0 || (l?.n ?? 0) > 0;
  const a = assujettissementReforme({
    nature: cog?.nature ?? '',
    population: cog?.population ?? 0,
    plusGrandeCommune: cog?.plusGrandeCommune ?? 0,
    qpv,
  });
  return {
    ...a,
    source: `${CRITERES_REFORME.source}. Faits : nature et populations de l’EPCI au Code officiel géographique ; quartiers prioritaires de la liste chargée et des logements enregistrés.`,
  };
}

/** The EPCI's targets: in force for the year, the law's, every version entered, and the reform's status. */
export async function lireCiblesCia(
  tx: Tx,
  acteur: Acteur,
  q: { epci?: string; annee: number },
): Promise<CiblesCiaApi> {
  exiger(acteur, LECTEURS, 'consulter les objectifs de la CIA');
  const siren = q.epci ?? acteur.epci;
  if (!siren) throw new Introuvable('précisez l’EPCI (son numéro SIREN)');
  const [e] = await tx.select({ nom: epcis.nom }).from(epcis).where(eq(epcis.siren, siren));
  const nom = e?.nom ?? nomEpci(siren);
  if (!nom) throw new Introuvable(`EPCI ${siren} inconnu`);
  const versions = await tx
    .select({
      version: ciblesCia.version,
      quartile1HorsQpv: ciblesCia.quartile1HorsQpv,
      nonQuartile1EnQpv: ciblesCia.nonQuartile1EnQpv,
      applicableDu: ciblesCia.applicableDu,
      adopteeLe: ciblesCia.adopteeLe,
      referenceCia: ciblesCia.referenceCia,
      saisiPar: utilisateurs.nom,
      saisiLe: ciblesCia.saisiLe,
    })
    .from(ciblesCia)
    .innerJoin(utilisateurs, eq(utilisateurs.id, ciblesCia.saisiPar))
    .where(eq(ciblesCia.epci, siren))
    .orderBy(desc(ciblesCia.version));
  const fin = `${q.annee}-12-31`;
  const enVigueur = versions
    .filter((v) => v.applicableDu <= fin)
    .sort((a, b) =>
      a.applicableDu !== b.applicableDu ? (a.applicableDu < b.applicableDu ? 1 : -1) : b.version - a.version,
    )[0];
  const legales = {
    quartile1HorsQpv: valeurAu('objectifQuartile1HorsQpv', fin),
    nonQuartile1EnQpv: valeurAu('objectifNonQuartile1EnQpv', fin),
    source: parametreEnVigueur('objectifQuartile1HorsQpv', fin)?.source ?? 'CCH art. L.441-1',
  };
  const q1 = nombre(enVigueur?.quartile1HorsQpv ?? null);
  const qpv = nombre(enVigueur?.nonQuartile1EnQpv ?? null);
  return {
    epci: siren,
    nom,
    annee: q.annee,
    reforme: await reformeDeLEpci(tx, siren),
    enVigueur: {
      quartile1HorsQpv: q1 ?? legales.quartile1HorsQpv,
      nonQuartile1EnQpv: qpv ?? legales.nonQuartile1EnQpv,
      origine: q1 !== null || qpv !== null ? 'cia' : 'loi',
      version: enVigueur?.version ?? null,
      referenceCia: enVigueur?.referenceCia ?? null,
      adopteeLe: enVigueur?.adopteeLe ?? null,
      applicableDu: enVigueur?.applicableDu ?? null,
    },
    legales,
    versions: versions.map((v) => ({
      ...v,
      quartile1HorsQpv: nombre(v.quartile1HorsQpv),
      nonQuartile1EnQpv: nombre(v.nonQuartile1EnQpv),
      saisiLe: v.saisiLe.toISOString(),
    })),
    modifiable: acteur.role === 'lecteur_epci' && acteur.epci === siren,
  };
}

/**
 * Records a new version of the EPCI's own CIA targets. Only the EPCI's reader, for its own EPCI;
 * refused when another version was entered since the form was filled (`versionAttendue`).
 */
export async function enregistrerCiblesCia(
  tx: Tx,
  acteur: Acteur,
  saisie: SaisieCiblesCia,
  aujourdhui: string,
): Promise<{ version: number }> {
  exiger(acteur, ['lecteur_epci'], 'saisir les objectifs de la CIA');
  const siren = acteur.epci;
  if (!siren) throw new Interdit('votre organisation n’est pas un EPCI : seul l’EPCI saisit les objectifs de sa CIA');
  const problemes: Probleme[] = [];
  if (saisie.adopteeLe > aujourdhui)
    problemes.push({ chemin: 'adopteeLe', message: 'date d’adoption de la CIA : elle ne peut pas être future' });
  if (saisie.applicableDu < '2017-01-27')
    problemes.push({
      chemin: 'applicableDu',
      message: 'date d’application : le 27 janvier 2017 au plus tôt (loi Égalité et citoyenneté)',
    });
  if (saisie.quartile1HorsQpv === null && saisie.nonQuartile1EnQpv === null)
    problemes.push({
      chemin: 'quartile1HorsQpv',
      message: 'indiquez au moins un objectif ; sans objectif propre, ceux de la loi s’appliquent déjà',
    });
  if (problemes.length) throw new DonneesInvalides(problemes);
  // One entry at a time per EPCI: the advisory lock serialises them; the version check refuses a stale form.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`cibles_cia:${siren}`}))`);
  const [derniere] = await tx
    .select({ v: max(ciblesCia.version) })
    .from(ciblesCia)
    .where(eq(ciblesCia.epci, siren));
  const courante = derniere?.v ?? 0;
  if (courante !== saisie.versionAttendue)
    throw new Conflit(
      'les objectifs de la CIA ont été modifiés entre-temps par une autre personne : rechargez la page et vérifiez-les',
    );
  const version = courante + 1;
  const ligne = {
    epci: siren,
    version,
    quartile1HorsQpv: saisie.quartile1HorsQpv === null ? null : String(saisie.quartile1HorsQpv),
    nonQuartile1EnQpv: saisie.nonQuartile1EnQpv === null ? null : String(saisie.nonQuartile1EnQpv),
    applicableDu: saisie.applicableDu,
    adopteeLe: saisie.adopteeLe,
    referenceCia: saisie.referenceCia,
    saisiPar: acteur.utilisateurId,
  };
  // The EPCI row may be missing outside the demo (the COG holds it): the foreign key needs it.
  await tx
    .insert(epcis)
    .values({ siren, nom: nomEpci(siren) ?? `EPCI ${siren}` })
    .onConflictDoNothing();
  await tx.insert(ciblesCia).values(ligne);
  await journaliser(tx, acteur, {
    action: 'cibles_cia.saisir',
    cibleType: 'cibles_cia',
    cibleId: `${siren}/${version}`,
    avant: courante ? { version: courante } : null,
    apres: { ...ligne, saisiPar: undefined },
  });
  return { version };
}
