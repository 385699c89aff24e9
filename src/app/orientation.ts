/**
 * The bailleur's orientation decision (issue 6, rules.md §5: « pas un bouton magique »). A declared
 * letting is oriented at once by the engine to its recommended line, provisionally; the bailleur
 * reads the recommendation with its explanation and confirms it (no reason needed), or overrides
 * it — another line, or several réservataires at once (pool) — with a written reason. The override
 * is the lifecycle's `orienter` / `orienter_multiple` transition (an `orientation_forcee` or
 * `orientation_multiple` event, audited with its reason); a confirmation is audited on its own.
 * Either decision opens the réservataire's proposal delay and notifies it.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { communes, delaisProposition, locations, logements, organisations } from '../db/schema.ts';
import type { DecisionOrientationCorps, RecommandationApi } from '../contracts/orientation.ts';
import type { LocationApi } from '../contracts/api.ts';
import { DIMENSIONS, type Orientation } from '../domain/engine.ts';
import { dateLongue, jourParis } from '../domain/calendrier.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import { LIBELLES_EXCLUSION, type MotifExclusion } from '../domain/flow.ts';
import { BAILLEUR } from '../domain/types.ts';
import { resultatAnnee, type CleAnnee } from './annee.ts';
import { journaliser } from './audit.ts';
import {
  chiffre,
  LIBELLES_DECISION_ORIENTATION,
  LIBELLES_ETAT_LOCATION,
  NOM_PART_BAILLEUR,
  phraseDroit,
  phraseEcheance,
  raisonCandidat,
} from './explication.ts';
import { echeanceProposition, parametresConventions } from './echeances.ts';
import { Conflit, Introuvable } from './errors.ts';
import { appliquerTransition, epinglerOrientation } from './locations.ts';
import { notifier } from './notifications.ts';
import { porteeLocations } from './portee.ts';
import { exiger, type Acteur } from './roles.ts';

async function noms(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  const m = new Map<string, string>([[BAILLEUR, NOM_PART_BAILLEUR]]);
  const autres = ids.filter((i) => i !== BAILLEUR);
  if (autres.length)
    for (const o of await tx
      .select({ id: organisations.id, nom: organisations.nom })
      .from(organisations)
      .where(inArray(organisations.id, autres)))
      m.set(o.id, o.nom);
  return m;
}

/** The engine's orientation of the unit's current letting. */
function orientationDe(orientations: Orientation[], logementId: string): Orientation | undefined {
  for (let i = orientations.length - 1; i >= 0; i--)
    if (orientations[i]!.logement === logementId) return orientations[i];
  return undefined;
}

async function chargerLocation(tx: Tx, acteur: Acteur, id: string) {
  const [r] = await tx
    .select({ l: locations, logement: logements })
    .from(locations)
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .where(and(eq(locations.id, id), porteeLocations(acteur)));
  if (!r) throw new Introuvable('location introuvable : elle n’existe pas ou n’est pas dans votre périmètre');
  return r;
}

/** GET /api/locations/:id/recommandation — the recommendation and its explanation, in French. */
export async function recommandation(tx: Tx, acteur: Acteur, id: string): Promise<RecommandationApi> {
  exiger(acteur, ['agent_bailleur', 'pilote_etat'], 'lire la recommandation d’orientation');
  const { l, logement } = await chargerLocation(tx, acteur, id);
  if (l.etat === 'exclue')
    throw new Conflit(
      `la location est hors du flux (${l.exclusion ? (LIBELLES_EXCLUSION[l.exclusion as MotifExclusion] ?? 'exclusion') : 'exclusion'}) : aucune orientation à recommander`,
    );
  const cle: CleAnnee = { bailleurId: l.bailleurId, departement: l.departement, annee: l.annee };
  const { resultat } = await resultatAnnee(tx, cle);
  const o = orientationDe(resultat.orientations, l.logementId);
  if (!o) throw new Introuvable('Flux n’a pas encore calculé d’orientation pour cette location : rechargez la page');
  const recommandee = o.forcee ? (o.recommandation ?? null) : o.reservataire;
  const [decision] = await tx.select().from(delaisProposition).where(eq(delaisProposition.locationId, id));
  const nomme = await noms(tx, [
    ...o.explication.candidats.map((c) => c.reservataire),
    ...(o.reservataire ? [o.reservataire] : []),
    ...(o.pool ?? []),
  ]);
  const nom = (ligne: string) => nomme.get(ligne) ?? ligne;
  const valeurs: Record<(typeof DIMENSIONS)[number], string> = {
    typologie: logement.typologie,
    financement: logement.financement,
    qpv: logement.qpv === null ? 'hors_qpv' : 'qpv',
    commune: logement.commune,
  };
  const nomsCommunes = await tx.select({ nom: communes.nom }).from(communes).where(eq(communes.code, logement.commune));
  const libelleValeur = (dimension: (typeof DIMENSIONS)[number], valeur: string): string =>
    dimension === 'qpv'
      ? valeur === 'qpv'
        ? 'en QPV'
        : 'hors QPV'
      : dimension === 'commune'
        ? `à ${nomsCommunes[0]?.nom ?? `la commune ${valeur}`}`
        : valeur;
  const candidats = o.explication.candidats.map((c) => {
    const retard = Math.round((c.droitExact - c.oriente) * 1e6) / 1e6;
    const ecarts = DIMENSIONS.flatMap((dimension) => {
      const e = resultat.ecarts[dimension][c.reservataire]?.[valeurs[dimension]];
      return e ? [{ dimension, valeur: valeurs[dimension], part: e.part, partFlux: e.partFlux, ecart: e.ecart }] : [];
    });
    const manque = ecarts
      .filter((e) => e.ecart < -0.05)
      .map(
        (e) =>
          `${libelleValeur(e.dimension, e.valeur)} (${chiffre(e.part * 100)} % de ses logements contre ${chiffre(e.partFlux * 100)} % du flux)`,
      );
    const echeance = phraseEcheance(c.echeance);
    const qualitatif = manque.length ? ` ; il a reçu peu de logements ${manque.join(', ')}` : '';
    const recommande = c.reservataire === recommandee;
    const humaine = o.forcee || o.pool !== undefined || o.recommandation !== undefined;
    const raison = raisonCandidat(c, o.explication.candidats, nom, humaine ? { recommande: recommandee } : undefined);
    return {
      ligne: c.reservataire,
      nom: nom(c.reservataire),
      droitExact: c.droitExact,
      oriente: c.oriente,
      retard,
      echeance: c.echeance,
      besoinQualitatif: c.besoinQualitatif,
      recommande,
      raison,
      ecarts,
      phrase: `${phraseDroit(nom(c.reservataire), c.droitExact, c.oriente)}${echeance ? ` ; ${echeance}` : ''}${qualitatif}. ${raison.charAt(0).toUpperCase()}${raison.slice(1)}.`,
    };
  });
  const explication = recommandee
    ? `Le moteur recommande ${nom(recommandee)}. ${candidats.find((c) => c.recommande)?.phrase ?? ''} Les autres lignes qui ont un droit sur ce logement : ${
        candidats
          .filter((c) => !c.recommande)
          .map((c) => `${c.nom} — ${c.raison}`)
          .join(' ; ') || 'aucune'
      }.`
    : 'Aucun réservataire n’a de droit sur ce logement : il revient à la part non réservée du bailleur.';
  return {
    locationId: l.id,
    version: l.version,
    etat: l.etat,
    logement: {
      id: logement.id,
      commune: logement.commune,
      typologie: logement.typologie,
      financement: logement.financement,
      qpv: logement.qpv,
    },
    recommande: recommandee ? { ligne: recommandee, nom: nom(recommandee) } : null,
    actuelle: o.reservataire ? { ligne: o.reservataire, nom: nom(o.reservataire) } : null,
    pool: o.pool ? o.pool.map((p) => ({ ligne: p, nom: nom(p) })) : null,
    forcee: l.forcee,
    motif: l.motif,
    decision: decision
      ? {
          decision: decision.decision as 'confirmee' | 'forcee' | 'pool',
          orienteeLe: decision.orienteeLe,
          echeance: decision.echeance,
        }
      : null,
    explication,
    candidats,
  };
}

/** The decision's date in the letting's year: today, or the liberation date when later. */
function dateDecision(l: { dateLiberation: string; annee: number }, aujourdhui: string): string {
  const d = aujourdhui > l.dateLiberation ? aujourdhui : l.dateLiberation;
  return d > `${l.annee}-12-31` ? `${l.annee}-12-31` : d;
}

/**
 * POST /api/locations/:id/orientation — confirm the recommendation or override it. A letting is
 * decided once, while oriented and without candidates; confirming needs the engine's own line.
 */
export async function deciderOrientation(
  tx: Tx,
  acteur: Acteur,
  id: string,
  corps: DecisionOrientationCorps,
  maintenant: Date,
): Promise<LocationApi> {
  const aujourdhui = jourParis(maintenant);
  exiger(acteur, ['agent_bailleur'], 'décider l’orientation d’une location');
  const { l } = await chargerLocation(tx, acteur, id);
  if (l.etat !== 'orientee')
    throw new Conflit(`la location n’est plus à orienter (elle est « ${LIBELLES_ETAT_LOCATION[l.etat] ?? l.etat} »)`);
  if (corps.version !== l.version) {
    throw new Conflit(
      `la location a changé entre-temps (version ${l.version} ; vous aviez vu la version ${corps.version}) : rechargez la page`,
    );
  }
  const [deja] = await tx.select().from(delaisProposition).where(eq(delaisProposition.locationId, id));
  if (deja)
    throw new Conflit(
      `l’orientation de cette location a déjà été décidée le ${dateLongue(deja.orienteeLe)} (${LIBELLES_DECISION_ORIENTATION[deja.decision] ?? deja.decision})`,
    );
  const rec = await recommandation(tx, acteur, id);
  const recommandee = rec.recommande?.ligne ?? null;
  const date = dateDecision(l, aujourdhui);
  // An override is dated on the liberation: the engine then orients the unit by hand in place of
  // its own choice, and explains it against the ledger the recommendation was read from.
  const surLaLiberation = { etatAttendu: 'orientee', version: l.version, date: l.dateLiberation } as const;
  let decision: 'confirmee' | 'forcee' | 'pool';
  let apres: LocationApi;
  const confirmer =
    corps.decision === 'confirmer' || (corps.decision === 'forcer' && corps.reservataire === recommandee && !l.forcee);
  if (confirmer) {
    if (l.forcee || recommandee === null || l.ligne !== recommandee)
      throw new Conflit('il n’y a pas de recommandation du moteur à confirmer pour cette location');
    // Pinned as an event: no event recorded later and dated before it moves it (ADR 0018).
    apres = await epinglerOrientation(tx, acteur, id, l.version, maintenant);
    await journaliser(tx, acteur, {
      action: 'location.confirmer_orientation',
      cibleType: 'location',
      cibleId: id,
      avant: { ligne: l.ligne, version: l.version },
      apres: { ligne: apres.ligne, version: apres.version, recommandation: recommandee },
      motif: null,
    });
    decision = 'confirmee';
  } else if (corps.decision === 'forcer') {
    if (!corps.motif)
      throw new DonneesInvalides([
        {
          chemin: 'motif',
          message: `motif écrit obligatoire : le moteur recommande ${rec.recommande?.nom ?? 'une autre ligne'}`,
        },
      ]);
    apres = await appliquerTransition(
      tx,
      acteur,
      id,
      {
        ...surLaLiberation,
        transition: 'orienter',
        reservataire: corps.reservataire,
        motif: corps.motif,
      },
      maintenant,
    );
    decision = 'forcee';
  } else if (corps.decision === 'pool') {
    if (new Set(corps.reservataires).size !== corps.reservataires.length || corps.reservataires.includes(BAILLEUR)) {
      throw new DonneesInvalides([
        { chemin: 'reservataires', message: 'réservataires distincts attendus, sans la part du bailleur' },
      ]);
    }
    apres = await appliquerTransition(
      tx,
      acteur,
      id,
      {
        ...surLaLiberation,
        transition: 'orienter_multiple',
        reservataires: corps.reservataires,
        motif: corps.motif,
      },
      maintenant,
    );
    decision = 'pool';
  } else {
    throw new Conflit('décision inconnue');
  }
  // The proposal delay: the convention's, the shortest one for a pool; none for the bailleur's own line.
  const cle: CleAnnee = { bailleurId: l.bailleurId, departement: l.departement, annee: l.annee };
  const parametres = await parametresConventions(tx, cle);
  const titulaires = apres.pool ?? (apres.reservataireId ? [apres.reservataireId] : []);
  const echeance = echeanceProposition(
    date,
    titulaires.map((t) => parametres.get(t)?.delaiPropositionJours),
  );
  await tx
    .insert(delaisProposition)
    .values({ locationId: id, decision, orienteeLe: date, echeance, decidePar: acteur.utilisateurId });
  const [logement] = await tx.select().from(logements).where(eq(logements.id, l.logementId));
  const [commune] = logement
    ? await tx.select({ nom: communes.nom }).from(communes).where(eq(communes.code, logement.commune))
    : [];
  const nomCommune = commune?.nom ?? logement?.commune ?? '';
  for (const organisationId of titulaires) {
    await notifier(tx, {
      organisationId,
      type: 'orientation',
      locationId: id,
      titre: `Nouveau logement orienté : ${logement?.typologie ?? ''} à ${nomCommune}`.trim(),
      message:
        `Le bailleur vous oriente le logement ${l.logementId} (${logement?.typologie}, ${logement?.financement}, à ${nomCommune}` +
        `${logement?.qpv ? `, en QPV ${logement.qpv}` : ', hors QPV'})${apres.pool ? ', proposé à plusieurs réservataires à la fois' : ''}. ` +
        `Proposez vos candidats avant le ${dateLongue(echeance!)} au soir ; sans proposition, le logement revient au bailleur pour un tour.`,
      cle: `orientation|${id}|${organisationId}`,
    });
  }
  return apres;
}
