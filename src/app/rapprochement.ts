/**
 * Use case « reconcile a year's allocations recorded elsewhere with Flux's leases » (ADR 0036):
 * `flux rapprochement FICHIER --annee N`, and the « Rapprochement SNE » page of the State's pilot
 * (its département, every bailleur) and of a bailleur (its own leases). The file is read as a
 * stream and kept only as the few fields matched; nothing of it is stored: the run leaves one audit
 * event (`rapprochement.executer`: file name, fingerprint, year, scope and the figures).
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { lignes, type Db, type Tx } from '../db/client.ts';
import { ajouterJours } from '../domain/calendrier.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import {
  LIBELLES_ECART,
  TOLERANCE_RAPPROCHEMENT_JOURS,
  part,
  rapprocher,
  type AttributionFlux,
  type BailFlux,
  type GroupeIndicateur,
  type LigneAllocation,
  type OrganisationConnue,
  type ResultatRapprochement,
} from '../domain/rapprochement.ts';
import {
  COLONNES_ALLOCATIONS,
  enregistrements,
  lireAllocation,
  lireEntete,
  type ChampAllocation,
  type Entete,
  type SourceOctets,
} from '../import/demandes.ts';
import { Utf8Invalide } from '../import/rpls-csv.ts';
import type { RapprochementApi } from '../contracts/demandes.ts';
import { journaliser } from './audit.ts';
import { Interdit } from './errors.ts';
import { exiger, type Acteur, type Role } from './roles.ts';

export const ROLES_RAPPROCHEMENT: readonly Role[] = ['pilote_etat', 'agent_bailleur'];
/** Problems listed when the file is refused. */
const PROBLEMES_GARDES = 50;

const LIBELLES_HORS_FLUX: Record<string, string> = {
  mutation_interne: 'Hors flux : mutation interne',
  relogement_anru: 'Hors flux : relogement ANRU',
  relogement_orcod: 'Hors flux : relogement ORCOD',
  relogement_insalubrite: 'Hors flux : relogement (insalubrité)',
  relogement_vente: 'Hors flux : relogement (vente)',
  defense: 'Hors flux : défense',
  securite_interieure: 'Hors flux : sécurité intérieure',
  eps: 'Hors flux : établissement public de santé',
};

/** What Flux holds as the réservataire of a lease, in French. */
export function libelleAttribution(a: AttributionFlux | null): string {
  if (!a) return 'Inconnu';
  if (a.genre === 'reservataire') return a.nom;
  if (a.genre === 'bailleur') return 'Bailleur (part non réservée)';
  return LIBELLES_HORS_FLUX[a.categorie] ?? 'Hors flux';
}

export interface Perimetre {
  annee: number;
  departement: string | null;
  bailleurId: string | null;
}

/** The run's scope: the State's pilot its département, a bailleur its leases, the command line what it asks. */
export function perimetreDe(acteur: Acteur | null, annee: number, departement: string | null): Perimetre {
  if (!acteur) return { annee, departement, bailleurId: null };
  exiger(acteur, ROLES_RAPPROCHEMENT, 'rapprocher les attributions');
  if (acteur.role === 'pilote_etat') {
    if (!acteur.departement) throw new Interdit('votre organisation n’a pas de département');
    if (departement && departement !== acteur.departement)
      throw new Interdit(`vous ne rapprochez que les attributions de votre département (${acteur.departement})`);
    return { annee, departement: acteur.departement, bailleurId: null };
  }
  return { annee, departement, bailleurId: acteur.organisationId };
}

/** Flux's leases of the year in the scope, and those within the tolerance around it. */
async function lireBaux(tx: Tx, p: Perimetre): Promise<BailFlux[]> {
  const du = ajouterJours(`${p.annee}-01-01`, -TOLERANCE_RAPPROCHEMENT_JOURS);
  const au = ajouterJours(`${p.annee}-12-31`, TOLERANCE_RAPPROCHEMENT_JOURS);
  const rows = await lignes<{
    cle: string;
    bailleur_id: string;
    bailleur_nom: string;
    departement: string;
    rpls: string;
    commune: string;
    date: string;
    ligne: string | null;
    exclusion: string | null;
    hors_flux: string | null;
    reservataire_id: string | null;
    reservataire_nom: string | null;
    reservataire_type: string | null;
    numero: string | null;
  }>(
    tx,
    sql`select b.id as cle, l.bailleur_id, o.nom as bailleur_nom, l.departement, lg.rpls, lg.commune, b.date_signature::text as date,
               l.ligne, l.exclusion, lg.hors_flux, r.id as reservataire_id, r.nom as reservataire_nom,
               coalesce(r.type_reservataire, r.categorie) as reservataire_type,
               coalesce(
                 (select c.numero_sne from offres_cal oc join examens_cal e on e.id = oc.examen_id join candidatures c on c.id = oc.candidature_id
                   where e.location_id = l.id and oc.reponse = 'acceptee' order by oc.date_reponse desc nulls last limit 1),
                 (select c.numero_sne from decisions_cal d join candidatures c on c.id = d.candidature_id
                   where d.location_id = l.id order by d.date_decision desc limit 1),
                 (select min(c.numero_sne) from candidatures c where c.location_id = l.id having count(*) = 1)
               ) as numero
        from baux b
        join locations l on l.id = b.location_id
        join logements lg on lg.id = l.logement_id
        join organisations o on o.id = l.bailleur_id
        left join organisations r on r.id = l.reservataire_id
        where b.date_signature between ${du}::date and ${au}::date
          ${p.departement ? sql`and l.departement = ${p.departement}` : sql``}
          ${p.bailleurId ? sql`and l.bailleur_id = ${p.bailleurId}` : sql``}
        order by b.date_signature, lg.rpls`,
  );
  return rows.map((r) => {
    let attribution: AttributionFlux | null = null;
    if (r.exclusion || r.hors_flux) attribution = { genre: 'hors_flux', categorie: (r.exclusion ?? r.hors_flux)! };
    else if (r.ligne === 'BAILLEUR') attribution = { genre: 'bailleur' };
    else if (r.ligne && r.reservataire_id)
      attribution = {
        genre: 'reservataire',
        id: r.reservataire_id,
        nom: r.reservataire_nom ?? '',
        type: r.reservataire_type ?? '',
      };
    return {
      cle: r.cle,
      bailleurId: r.bailleur_id,
      bailleurNom: r.bailleur_nom,
      departement: r.departement,
      rpls: r.rpls,
      commune: r.commune,
      date: r.date,
      numeroUnique: r.numero,
      attribution,
    };
  });
}

async function lireOrganisations(tx: Tx): Promise<OrganisationConnue[]> {
  const rows = await lignes<{ id: string; nom: string; siren: string | null; type: string }>(
    tx,
    sql`select id, nom, siren, case when categorie = 'bailleur' then 'bailleur' else coalesce(type_reservataire, categorie) end as type
        from organisations where categorie in ('bailleur', 'reservataire', 'etat', 'epci') order by id`,
  );
  return rows;
}

export interface ResumeRapprochement {
  fichier: string;
  empreinte: string;
  annee: number;
  departement: string | null;
  toleranceJours: number;
  /** Lines of the year and the scope, compared. */
  lignes: number;
  /** Lines dated in another year: not compared. */
  horsAnnee: number;
  /** Lines of another bailleur (its column names one) than the bailleur running it. */
  horsPerimetre: number;
}

export interface Rapprochement {
  resume: ResumeRapprochement;
  resultat: ResultatRapprochement;
}

/** Reads the file (streaming; a Latin-1 file is read again), checks it, matches. `DonneesInvalides` on bad rows. */
async function lireFichier(
  source: SourceOctets,
  p: Perimetre,
  organisations: readonly OrganisationConnue[],
): Promise<{ lignes: LigneAllocation[]; resume: Omit<ResumeRapprochement, 'departement' | 'toleranceJours'> }> {
  for (const encodage of ['utf-8', 'windows-1252'] as const) {
    try {
      const empreinte = createHash('sha256');
      const src: SourceOctets = {
        nom: source.nom,
        async *ouvrir() {
          for await (const m of source.ouvrir()) {
            empreinte.update(m);
            yield m;
          }
        },
      };
      const sirens = new Map(organisations.filter((o) => o.siren).map((o) => [o.siren!, o.id]));
      const noms = new Map(organisations.map((o) => [o.nom.toLowerCase(), o.id]));
      const sortie: LigneAllocation[] = [];
      const problemes: Probleme[] = [];
      let nombre = 0;
      let horsAnnee = 0;
      let horsPerimetre = 0;
      let entete: Entete<ChampAllocation> | null = null;
      for await (const e of enregistrements(src, encodage)) {
        if (!entete) {
          entete = lireEntete(e, COLONNES_ALLOCATIONS);
          continue;
        }
        if (e.champs.every((c) => c.trim() === '')) continue;
        const r = lireAllocation(entete, e);
        if (!r.fiche) {
          nombre += r.problemes.length;
          if (problemes.length < PROBLEMES_GARDES)
            problemes.push(...r.problemes.slice(0, PROBLEMES_GARDES - problemes.length));
          continue;
        }
        const f = r.fiche;
        if (!f.date.startsWith(`${p.annee}-`)) {
          horsAnnee++;
          continue;
        }
        const texte = f.bailleur?.trim() ?? null;
        const bailleurId = texte
          ? (sirens.get(texte.replace(/\s/g, '')) ?? noms.get(texte.toLowerCase()) ?? null)
          : null;
        if (p.bailleurId && texte && bailleurId !== p.bailleurId) {
          horsPerimetre++;
          continue;
        }
        sortie.push({
          ligne: f.ligne,
          numeroUnique: f.numeroUnique,
          rpls: f.rpls,
          date: f.date,
          reservataire: f.reservataire,
          bailleurId: bailleurId ?? p.bailleurId,
          bailleurTexte: texte,
        });
      }
      if (!entete) lireEntete(undefined, COLONNES_ALLOCATIONS);
      if (nombre > 0) {
        const err = new DonneesInvalides(problemes);
        (err as DonneesInvalides & { nombreProblemes?: number }).nombreProblemes = nombre;
        throw err;
      }
      return {
        lignes: sortie,
        resume: {
          fichier: source.nom,
          empreinte: empreinte.digest('hex'),
          annee: p.annee,
          lignes: sortie.length,
          horsAnnee,
          horsPerimetre,
        },
      };
    } catch (err) {
      if (!(err instanceof Utf8Invalide)) throw err;
    }
  }
  /* c8 ignore next */
  throw new Error('inaccessible : Windows-1252 décode tous les octets');
}

/** Runs a reconciliation for the actor (null: the command line) and audits it. */
export async function executerRapprochement(
  db: Db,
  acteur: Acteur | null,
  entree: { source: SourceOctets; annee: number; departement?: string | null | undefined },
): Promise<Rapprochement> {
  if (!Number.isInteger(entree.annee) || entree.annee < 2000 || entree.annee > 2100)
    throw new DonneesInvalides([{ chemin: 'annee', message: 'année invalide (par exemple 2026)' }]);
  if (entree.departement && !/^(\d{2,3}|2[AB])$/.test(entree.departement))
    throw new DonneesInvalides([{ chemin: 'departement', message: 'département invalide (par exemple 45)' }]);
  const p = perimetreDe(acteur, entree.annee, entree.departement ?? null);
  const organisations = await lireOrganisations(db);
  const { lignes: lues, resume } = await lireFichier(entree.source, p, organisations);
  return db.transaction(async (tx) => {
    const baux = await lireBaux(tx, p);
    const resultat = rapprocher({
      annee: p.annee,
      lignes: lues,
      baux,
      organisations,
      departementDefaut: p.departement,
    });
    const complet: ResumeRapprochement = {
      ...resume,
      departement: p.departement,
      toleranceJours: TOLERANCE_RAPPROCHEMENT_JOURS,
    };
    const chiffres = (g: GroupeIndicateur) => ({
      bailleur: g.bailleur,
      departement: g.departement,
      fichier: g.fichier,
      flux: g.flux,
      rapprochees: g.rapprocheesParNumero + g.rapprocheesParRpls,
      ecarts: g.ecarts,
    });
    await journaliser(tx, acteur ?? { utilisateurId: null, organisationId: p.bailleurId }, {
      action: 'rapprochement.executer',
      cibleType: 'rapprochement',
      cibleId: `${p.annee}|${p.departement ?? '*'}|${p.bailleurId ?? '*'}`,
      avant: null,
      apres: { ...complet, total: chiffres(resultat.total), groupes: resultat.groupes.map(chiffres) },
    });
    return { resume: complet, resultat };
  });
}

const pourcent = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1).replace('.', ',')} %`);

/** The figures for a terminal. */
export function rapprochementFrancais(r: Rapprochement): string {
  const { resume, resultat } = r;
  const out = [
    `Rapprochement ${resume.annee}${resume.departement ? `, département ${resume.departement}` : ''} — ${resume.fichier}`,
    `  ${resume.lignes} attribution(s) de l’année comparée(s)` +
      (resume.horsAnnee ? `, ${resume.horsAnnee} d’une autre année ignorée(s)` : '') +
      (resume.horsPerimetre ? `, ${resume.horsPerimetre} d’un autre bailleur ignorée(s)` : '') +
      ` ; tolérance de date (numéro RPLS) : ${resume.toleranceJours} jours`,
    '  Part des attributions dont le réservataire est connu :',
  ];
  for (const g of [...resultat.groupes, resultat.total])
    out.push(
      `  ${g.bailleur}${g.departement ? ` (${g.departement})` : ''} : fichier ${pourcent(part(g.fichier))} (${g.fichier.avecReservataire}/${g.fichier.total}), ` +
        `Flux ${pourcent(part(g.flux))} (${g.flux.avecReservataire}/${g.flux.total}), rapprochées ${g.rapprocheesParNumero + g.rapprocheesParRpls}`,
    );
  out.push(
    `  Écarts : ${Object.entries(resultat.total.ecarts)
      .map(([k, n]) => {
        const l = LIBELLES_ECART[k as keyof typeof LIBELLES_ECART];
        return `${l.charAt(0).toLowerCase()}${l.slice(1)} ${n}`;
      })
      .join(', ')}`,
  );
  return out.join('\n');
}

/** The answer as the page and the workbook read it: names and numbers, never an internal id. */
export function rapprochementApi(r: Rapprochement, ecartsMax = Infinity): RapprochementApi {
  const groupe = (g: GroupeIndicateur): RapprochementApi['total'] => ({
    bailleur: g.bailleur,
    departement: g.departement,
    fichier: { ...g.fichier, part: part(g.fichier) },
    flux: { ...g.flux, part: part(g.flux) },
    rapprocheesParNumero: g.rapprocheesParNumero,
    rapprocheesParRpls: g.rapprocheesParRpls,
    ecarts: { ...g.ecarts },
  });
  return {
    fichier: r.resume.fichier,
    annee: r.resume.annee,
    departement: r.resume.departement,
    toleranceJours: r.resume.toleranceJours,
    lignes: r.resume.lignes,
    horsAnnee: r.resume.horsAnnee,
    horsPerimetre: r.resume.horsPerimetre,
    groupes: r.resultat.groupes.map(groupe),
    total: groupe(r.resultat.total),
    nombreEcarts: r.resultat.ecarts.length,
    ecarts: r.resultat.ecarts.slice(0, ecartsMax).map((e) => ({
      genre: e.genre,
      libelle: LIBELLES_ECART[e.genre],
      bailleur:
        e.bail?.bailleurNom ??
        r.resultat.groupes.find((g) => e.ligne && g.bailleurId !== null && g.bailleurId === e.ligne.bailleurId)
          ?.bailleur ??
        e.ligne?.bailleurTexte ??
        'Bailleur non précisé',
      departement: e.bail?.departement ?? r.resume.departement,
      fichier: e.ligne
        ? {
            ligne: e.ligne.ligne,
            numeroUnique: e.ligne.numeroUnique,
            rpls: e.ligne.rpls,
            date: e.ligne.date,
            reservataire: e.ligne.reservataire,
          }
        : null,
      flux: e.bail
        ? {
            rpls: e.bail.rpls,
            commune: e.bail.commune,
            date: e.bail.date,
            numeroUnique: e.bail.numeroUnique,
            reservataire: libelleAttribution(e.bail.attribution),
          }
        : null,
    })),
  };
}
