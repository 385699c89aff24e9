/**
 * `flux conventions list|avenant`: a bailleur's conventions with their version in force, form and
 * balance of the year; a new version (avenant) from a JSON file of the version's parameters in the
 * scenario format plus `effectifLe`. Same use cases and contracts as the API, on the database of
 * DATABASE_URL (else the PGlite folder `--data`); an avenant is audited with no signed-in person.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Quand } from '../app/conventions.ts';
import { Introuvable } from '../app/errors.ts';
import { positionJson } from '../app/scenario.ts';
import { problemesZod } from '../contracts/issues.ts';
import { fichierAvenantSchema, type ConventionResumeApi } from '../contracts/conventions.ts';
import type { Tx } from '../app/base.ts';
import { dateCourte, jourParis } from '../domain/calendrier.ts';
import { DonneesInvalides } from '../domain/errors.ts';

interface Sorties {
  out: (s: string) => void;
  err: (s: string) => void;
}

const DOSSIER_DEFAUT = process.env.FLUX_DATA_DIR ?? 'data/flux';

function quand(annee: string | undefined): Quand {
  const aujourdhui = jourParis(new Date());
  if (annee !== undefined && !/^\d{4}$/.test(annee))
    throw new DonneesInvalides([{ chemin: '--annee', message: 'année attendue (AAAA)' }]);
  return { annee: annee ? Number(annee) : Number(aujourdhui.slice(0, 4)), aujourdhui };
}

async function dansLaBase<R>(data: string, action: (tx: Tx) => Promise<R>): Promise<R> {
  const { ouvrirBase } = await import('../app/base.ts');
  const base = await ouvrirBase({ url: process.env.DATABASE_URL, dossier: data });
  try {
    await base.migrer();
    return await base.db.transaction(action);
  } finally {
    await base.fermer();
  }
}

const pct = (x: number) => `${(x * 100).toLocaleString('fr-FR', { maximumFractionDigits: 4 })} %`;
const signe = (x: number) =>
  x.toLocaleString('fr-FR', { maximumFractionDigits: 2, signDisplay: 'exceptZero' }).replace('-', '−');

function ligneFrancaise(c: ConventionResumeApi, annee: number): string {
  const v = c.versionEnVigueur;
  const taux = v
    ? `taux ${pct(v.taux)}${v.tauxAgents !== null ? ` (dont agents ${pct(v.tauxAgents)})` : ''}, version ${v.version} du ${dateCourte(v.effectifLe)}`
    : 'aucune version en vigueur';
  const solde = c.ligne
    ? `droit ${annee} ${c.ligne.droit.toLocaleString('fr-FR', { maximumFractionDigits: 2 })}, solde ${signe(c.ligne.solde)}`
    : `pas de ligne au bilan ${annee}`;
  const reprise = c.forme.caducite?.reprise;
  const forme =
    c.forme.statut === 'caduque'
      ? reprise
        ? `CADUQUE — droits repris par le préfet le ${dateCourte(reprise.decideLe)} (${reprise.reference})`
        : 'CADUQUE — reprise possible par décision du préfet'
      : c.forme.libelle;
  return `${c.id} — ${c.reservataire.nom} (${c.departement}) : ${taux} ; ${forme} ; ${solde}`;
}

/** The version file: JSON, then the contract; every problem as `chemin: message`. */
async function lireFichierAvenant(fichier: string) {
  let texte: string;
  try {
    texte = await readFile(fichier, 'utf8');
  } catch (err) {
    throw new DonneesInvalides([
      { chemin: fichier, message: `fichier illisible (${(err as NodeJS.ErrnoException).code ?? 'erreur'})` },
    ]);
  }
  let brut: unknown;
  try {
    brut = JSON.parse(texte.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new DonneesInvalides([{ chemin: fichier, message: `JSON invalide (${positionJson(texte, err)})` }]);
  }
  const r = fichierAvenantSchema.safeParse(brut, { reportInput: true });
  if (!r.success) throw new DonneesInvalides(problemesZod(r.error));
  return r.data;
}

export function ajouterConventions(program: Command, io: Sorties, fin: (code: number) => void): void {
  const conventions = program
    .command('conventions')
    .description('Conventions de réservation et leurs avenants (base DATABASE_URL, sinon ./data/flux)');
  conventions
    .command('list')
    .description(
      'Liste les conventions d’un bailleur : version en vigueur, forme (stock, conversion, flux) et solde de l’année',
    )
    .requiredOption('--bailleur <id>', 'identifiant Flux ou SIREN du bailleur')
    .option('--annee <aaaa>', 'année du bilan (défaut : l’année en cours)')
    .option('--json', 'sortie JSON (registre complet)')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .action(async (o: { bailleur: string; annee?: string; json?: boolean; data: string }) => {
      const q = quand(o.annee);
      const { listerConventions } = await import('../app/conventions.ts');
      const r = await dansLaBase(o.data, (tx) => listerConventions(tx, null, { bailleur: o.bailleur }, q));
      if (o.json) io.out(`${JSON.stringify(r, null, 2)}\n`);
      else if (r.conventions.length === 0) io.out(`Aucune convention pour le bailleur ${o.bailleur}.\n`);
      else io.out(`${r.conventions.map((c) => ligneFrancaise(c, q.annee)).join('\n')}\n`);
      fin(0);
    });
  conventions
    .command('avenant')
    .description(
      'Enregistre un avenant : une nouvelle version de la convention, contrôlée avec les conventions en vigueur à sa date',
    )
    .requiredOption('--convention <id>', 'identifiant de la convention')
    .requiredOption(
      '--fichier <version.json>',
      'paramètres de la version au format scénario (taux, perimetre, decompte…) et effectifLe (AAAA-MM-JJ), motif facultatif',
    )
    .option('--json', 'sortie JSON (la convention et ses versions)')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .action(async (o: { convention: string; fichier: string; json?: boolean; data: string }) => {
      const entree = await lireFichierAvenant(o.fichier);
      const q = quand(undefined);
      const { ajouterAvenant } = await import('../app/conventions.ts');
      const c = await dansLaBase(o.data, (tx) => ajouterAvenant(tx, null, o.convention, entree, q)).catch(
        (err: unknown) => {
          throw err instanceof Introuvable
            ? new DonneesInvalides([{ chemin: '--convention', message: err.message }])
            : err;
        },
      );
      const v = c.historique[0]!;
      if (o.json) io.out(`${JSON.stringify(c, null, 2)}\n`);
      else
        io.out(
          `Avenant enregistré : convention ${c.id} (${c.reservataire.nom}), version ${v.version} effective le ${dateCourte(v.effectifLe)}, taux ${pct(v.taux)}, ${c.forme.libelle}.\n`,
        );
      // What the law flags without forbidding it (CCH R.441-5, 20 % of guarantees), as `flux simulate` says it.
      for (const a of c.avertissements) io.err(`avertissement : ${a.chemin} : ${a.message}\n`);
      fin(0);
    });
}
