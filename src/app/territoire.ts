/**
 * The territory's consolidation (issue 14 item 3, ADR 0040):
 * - the EPCI (its CIL, CCH L.441-1-5) sees every convention covering its territory, for every
 *   bailleur, consolidated by réservataire: taux, the units each gives on the territory this year
 *   (taux × the year's flow there, within its périmètre), the qualitative terms; and the drafts it
 *   is to review;
 * - the State pilot's départemental view: every bailleur's conventions, the State's share by
 *   bailleur (CCH R.441-5-2 I) and by commune (R.441-5-2 II), missing, caduque or not-yet-in-force
 *   conventions, and the drafts awaiting the CIL's review or the parties' signature.
 * Figures are the engine's over the stored year (`resultatAnnee`), the same as on every page.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { communes, conventions, epcis, logements, organisations } from '../db/schema.ts';
import type { ConsolidationEpciApi, VueDepartementaleApi } from '../contracts/territoire.ts';
import { contraintesEnClair, fluxDuTerritoire, partEtatParCommune } from '../domain/territoire.ts';
import type { Convention, Perimetre, Scenario } from '../domain/types.ts';
import { resultatAnnee } from './annee.ts';
import { listerConventions, type Quand } from './conventions.ts';
import { Interdit } from './errors.ts';
import { porteeConventions } from './portee.ts';
import { lireProjets } from './projets-conventions.ts';
import { exiger, type Acteur } from './roles.ts';

const DECOMPTES: Record<string, string> = {
  mise_a_disposition: 'à la mise à disposition',
  attribution: 'à l’attribution (CAL)',
  bail_signe: 'au bail signé',
};

function perimetreEnClair(p: Perimetre, noms: ReadonlyMap<string, string>): string {
  if ('departement' in p) return `département ${p.departement}`;
  if ('communes' in p) return p.communes.map((c) => noms.get(c) ?? c).join(', ');
  return noms.get(p.epci) ?? `EPCI ${p.epci}`;
}

function termes(c: Convention, etat: boolean) {
  return {
    decompte: DECOMPTES[c.decompte] ?? c.decompte,
    gestion: c.gestion === 'deleguee' ? 'déléguée au bailleur' : 'directe',
    delaiPropositionJours: c.delaiPropositionJours,
    contraintes: contraintesEnClair(c, etat),
  };
}

/** GET /api/territoire/epci — the EPCI's consolidation of the conventions covering its territory. */
export async function consolidationEpci(tx: Tx, acteur: Acteur, quand: Quand): Promise<ConsolidationEpciApi> {
  exiger(acteur, ['lecteur_epci'], 'consulter les conventions du territoire');
  if (!acteur.epci) throw new Interdit('votre organisation n’est pas rattachée à un EPCI');
  const [e] = await tx.select().from(epcis).where(eq(epcis.siren, acteur.epci));
  const territoire = new Set(
    (await tx.select({ code: communes.code }).from(communes).where(eq(communes.epci, acteur.epci))).map((c) => c.code),
  );
  const noms = new Map<string, string>(
    (
      await tx.select({ code: communes.code, nom: communes.nom }).from(communes).where(eq(communes.epci, acteur.epci))
    ).map((c) => [c.code, c.nom]),
  );
  noms.set(acteur.epci, e?.nom ?? `EPCI ${acteur.epci}`);
  // The bailleurs with units on the territory, and the conventions the EPCI may see.
  const presents = await tx
    .selectDistinct({ bailleurId: logements.bailleurId, departement: logements.departement, nom: organisations.nom })
    .from(logements)
    .innerJoin(organisations, eq(organisations.id, logements.bailleurId))
    .leftJoin(communes, eq(communes.code, logements.commune))
    .where(sql`coalesce(${logements.epci}, ${communes.epci}) = ${acteur.epci}`)
    .orderBy(asc(organisations.nom));
  const visibles = await tx
    .select({ convention: conventions, reservataire: organisations })
    .from(conventions)
    .innerJoin(organisations, eq(organisations.id, conventions.reservataireId))
    .where(porteeConventions(acteur));
  const parReservataire = new Map<string, ConsolidationEpciApi['reservataires'][number]>();
  const bailleurs: ConsolidationEpciApi['bailleurs'] = [];
  for (const b of presents) {
    const { scenario } = await resultatAnnee(tx, {
      bailleurId: b.bailleurId,
      departement: b.departement,
      annee: quand.annee,
    });
    const fluxB = fluxDuTerritoire(scenario, { departement: b.departement }, territoire);
    let n = 0;
    for (const v of visibles.filter(
      (x) => x.convention.bailleurId === b.bailleurId && x.convention.departement === b.departement,
    )) {
      const c = scenario.conventions.find((x) => x.id === v.convention.id);
      if (!c) continue;
      const fluxC = fluxDuTerritoire(scenario, c.perimetre, territoire);
      if (fluxC === 0 && !couvreLeTerritoire(scenario, c.perimetre, territoire)) continue;
      n += 1;
      const r = v.reservataire;
      const entree = parReservataire.get(r.id) ?? {
        reservataire: { id: r.id, nom: r.nom, type: r.typeReservataire ?? '' },
        conventions: [],
        logementsAttendus: 0,
        tauxMoyen: null,
      };
      const attendus = c.taux * fluxC;
      entree.conventions.push({
        conventionId: v.convention.id,
        bailleur: { id: b.bailleurId, nom: b.nom },
        taux: c.taux,
        fluxTerritoire: fluxC,
        logementsAttendus: attendus,
        perimetre: perimetreEnClair(c.perimetre, noms),
        forme: c.forme === 'stock' ? 'en stock' : c.forme === 'conversion' ? 'en conversion' : 'en flux',
        termes: termes(c, r.typeReservataire === 'etat'),
      });
      entree.logementsAttendus += attendus;
      parReservataire.set(r.id, entree);
    }
    bailleurs.push({ id: b.bailleurId, nom: b.nom, fluxTerritoire: fluxB, conventions: n });
  }
  const reservataires = [...parReservataire.values()].map((r) => {
    const flux = r.conventions.reduce((s, c) => s + c.fluxTerritoire, 0);
    return { ...r, tauxMoyen: flux > 0 ? r.logementsAttendus / flux : null };
  });
  reservataires.sort(
    (x, y) => y.logementsAttendus - x.logementsAttendus || x.reservataire.nom.localeCompare(y.reservataire.nom, 'fr'),
  );
  return {
    annee: quand.annee,
    aujourdhui: quand.aujourdhui,
    epci: { siren: acteur.epci, nom: e?.nom ?? `EPCI ${acteur.epci}` },
    bailleurs,
    reservataires,
    projets: await lireProjets(tx, acteur, { epci: acteur.epci }),
  };
}

/** Whether the périmètre covers at least one unit of the scenario on the territory (a convention with no flow yet). */
function couvreLeTerritoire(s: Scenario, perimetre: Perimetre, territoire: ReadonlySet<string>): boolean {
  return s.logements.some(
    (l) =>
      territoire.has(l.commune) &&
      ('departement' in perimetre ||
        ('communes' in perimetre ? perimetre.communes.includes(l.commune) : l.epci === perimetre.epci)),
  );
}

/** GET /api/territoire/departement — the State pilot's view of its département. */
export async function vueDepartementale(tx: Tx, acteur: Acteur, quand: Quand): Promise<VueDepartementaleApi> {
  exiger(acteur, ['pilote_etat'], 'consulter la vue départementale');
  const departement = acteur.departement;
  if (!departement) throw new Interdit('votre organisation n’est rattachée à aucun département');
  const registre = await listerConventions(tx, acteur, {}, quand);
  const parc = await tx
    .select({ bailleurId: logements.bailleurId, n: sql<string>`count(*)::text` })
    .from(logements)
    .where(eq(logements.departement, departement))
    .groupBy(logements.bailleurId);
  const ids = [...new Set([...parc.map((p) => p.bailleurId), ...registre.conventions.map((c) => c.bailleur.id)])];
  const orgs = ids.length
    ? await tx
        .select({ id: organisations.id, nom: organisations.nom })
        .from(organisations)
        .where(and(inArray(organisations.id, ids), eq(organisations.categorie, 'bailleur')))
    : [];
  orgs.sort((a, b) => a.nom.localeCompare(b.nom, 'fr'));
  const parCommune = new Map<string, { flux: number; etat: number; attendu: number }>();
  const bailleurs: VueDepartementaleApi['bailleurs'] = [];
  const manques: VueDepartementaleApi['manques'] = [];
  for (const o of orgs) {
    const { resultat, scenario } = await resultatAnnee(tx, { bailleurId: o.id, departement, annee: quand.annee });
    const leurs = registre.conventions.filter((c) => c.bailleur.id === o.id);
    const etatEnVigueur = leurs.find((c) => c.reservataire.type === 'etat' && c.versionEnVigueur) ?? null;
    const etatAnnee = scenario.reservataires.find((r) => r.type === 'etat') ?? null;
    const convEtat = etatAnnee ? (scenario.conventions.find((c) => c.reservataire === etatAnnee.id) ?? null) : null;
    const ligneEtat = etatAnnee ? (resultat.bilan.find((l) => l.reservataire === etatAnnee.id) ?? null) : null;
    const orientes = resultat.orientations.filter((x) => x.reservataire !== null);
    const versEtat = etatAnnee ? orientes.filter((x) => x.reservataire === etatAnnee.id).length : 0;
    const parts = partEtatParCommune(scenario.logements, resultat.orientations, etatAnnee?.id ?? null);
    for (const [commune, p] of parts) {
      const c = parCommune.get(commune) ?? { flux: 0, etat: 0, attendu: 0 };
      c.flux += p.flux;
      c.etat += p.etat;
      c.attendu += p.flux * (convEtat?.taux ?? 0);
      parCommune.set(commune, c);
    }
    const logementsB = Number(parc.find((p) => p.bailleurId === o.id)?.n ?? 0);
    bailleurs.push({
      bailleur: { id: o.id, nom: o.nom },
      logements: logementsB,
      fluxAnnuel: resultat.flux.fluxAnnuel,
      conventions: leurs.length,
      etat: etatEnVigueur
        ? {
            conventionId: etatEnVigueur.id,
            taux: etatEnVigueur.versionEnVigueur!.taux,
            tauxAgents: etatEnVigueur.versionEnVigueur!.tauxAgents,
            droit: ligneEtat ? ligneEtat.droit : null,
            decomptes: ligneEtat ? ligneEtat.decomptes : null,
            misADisposition: ligneEtat ? ligneEtat.misADisposition : null,
          }
        : null,
      partEtatRealisee: orientes.length ? versEtat / orientes.length : null,
    });
    if (!etatEnVigueur && logementsB > 0)
      manques.push({
        genre: 'sans_convention_etat',
        bailleur: { id: o.id, nom: o.nom },
        reservataire: null,
        conventionId: leurs.find((c) => c.reservataire.type === 'etat')?.id ?? null,
        message: `${o.nom} n’a pas de convention de réservation avec l’État en vigueur (CCH R.441-5 I) : le contingent préfectoral n’a pas de taux signé.`,
      });
    for (const c of leurs) {
      if (!c.versionEnVigueur)
        manques.push({
          genre: 'sans_version_en_vigueur',
          bailleur: { id: o.id, nom: o.nom },
          reservataire: { id: c.reservataire.id, nom: c.reservataire.nom },
          conventionId: c.id,
          message: `La convention avec ${c.reservataire.nom} n’est pas encore en vigueur.`,
        });
      else if (c.forme.statut === 'caduque')
        manques.push({
          genre: 'caduque',
          bailleur: { id: o.id, nom: o.nom },
          reservataire: { id: c.reservataire.id, nom: c.reservataire.nom },
          conventionId: c.id,
          message: c.forme.message,
        });
    }
  }
  const codes = [...parCommune.keys()];
  const nomsCommunes = new Map(
    codes.length
      ? (
          await tx
            .select({ code: communes.code, nom: communes.nom })
            .from(communes)
            .where(inArray(communes.code, codes))
        ).map((c) => [c.code, c.nom])
      : [],
  );
  const lignesCommunes = [...parCommune.entries()]
    .map(([commune, c]) => ({
      commune,
      nom: nomsCommunes.get(commune) ?? commune,
      fluxAnnuel: c.flux,
      orientesEtat: c.etat,
      partEtat: c.flux ? c.etat / c.flux : null,
      tauxEtatAttendu: c.flux ? c.attendu / c.flux : null,
    }))
    .sort((a, b) => b.fluxAnnuel - a.fluxAnnuel || a.nom.localeCompare(b.nom, 'fr'));
  return {
    annee: quand.annee,
    aujourdhui: quand.aujourdhui,
    departement,
    bailleurs,
    communes: lignesCommunes,
    manques,
    projets: await lireProjets(tx, acteur, { departement, etat: 'projet' }),
    conventions: registre.conventions.map((c) => ({
      conventionId: c.id,
      bailleur: c.bailleur,
      reservataire: c.reservataire,
      taux: c.versionEnVigueur?.taux ?? null,
      forme: c.forme.libelle,
      statut: c.forme.statut === 'caduque' ? 'caduque' : c.versionEnVigueur ? 'en vigueur' : 'pas encore en vigueur',
    })),
  };
}
