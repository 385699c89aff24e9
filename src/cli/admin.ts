/**
 * `flux organisations ajouter|lister` and `flux comptes ajouter|desactiver`: scripted set-up of a
 * server, through the same use cases and contracts as the administration page (src/app/admin.ts),
 * audited as the command line (no person, motif « ligne de commande (flux) »). The database is
 * that of DATABASE_URL, else the PGlite folder `--data`. A password is never an argument (it would
 * stay in the shell's history and the process list): it is read from FLUX_MOT_DE_PASSE, else from
 * the standard input (its first line).
 */
import type { Command } from 'commander';
import type { z } from 'zod';
import { problemesZod } from '../contracts/issues.ts';
import { nouvelleOrganisationSchema, nouvelUtilisateurSchema } from '../contracts/api.ts';
import type { Tx } from '../app/base.ts';
import { DonneesInvalides } from '../domain/errors.ts';

interface Sorties {
  out: (s: string) => void;
  err: (s: string) => void;
  /** The standard input's text (tests inject it); process.stdin when absent. */
  entree?: () => Promise<string>;
}

const DOSSIER_DEFAUT = process.env.FLUX_DATA_DIR ?? 'data/flux';
export const VARIABLE_MOT_DE_PASSE = 'FLUX_MOT_DE_PASSE';

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

async function lireStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new DonneesInvalides([
      {
        chemin: 'mot de passe',
        message: `donnez-le par la variable ${VARIABLE_MOT_DE_PASSE} ou sur l’entrée standard (printf '%s\\n' "$MDP" | flux comptes ajouter …)`,
      },
    ]);
  }
  let texte = '';
  process.stdin.setEncoding('utf8');
  for await (const morceau of process.stdin) texte += morceau as string;
  return texte;
}

/** The password: FLUX_MOT_DE_PASSE, else the first line of the standard input. */
async function motDePasse(io: Sorties): Promise<string> {
  const variable = process.env[VARIABLE_MOT_DE_PASSE];
  if (variable !== undefined && variable !== '') return variable;
  const texte = await (io.entree ?? lireStdin)();
  const premiere = texte.split(/\r?\n/, 1)[0] ?? '';
  if (premiere === '')
    throw new DonneesInvalides([
      {
        chemin: 'mot de passe',
        message: `absent : donnez-le par la variable ${VARIABLE_MOT_DE_PASSE} ou sur l’entrée standard`,
      },
    ]);
  return premiere;
}

/** Parses with a contract; French problems named by the command's options (`--nom`…). */
function valider<T>(schema: z.ZodType<T>, v: unknown, options: Record<string, string>): T {
  const r = schema.safeParse(v);
  if (r.success) return r.data;
  throw new DonneesInvalides(
    problemesZod(r.error).map((p) => ({ chemin: options[p.chemin] ?? p.chemin, message: p.message })),
  );
}

/** A use case's problems named by the command's options, as the contract's are. */
async function avecOptions<R>(options: Record<string, string>, f: () => Promise<R>): Promise<R> {
  try {
    return await f();
  } catch (err) {
    if (!(err instanceof DonneesInvalides)) throw err;
    throw new DonneesInvalides(
      err.problemes.map((p) => ({ chemin: options[p.chemin] ?? p.chemin, message: p.message })),
    );
  }
}

const CATEGORIES: Record<string, string> = {
  bailleur: 'bailleur',
  reservataire: 'réservataire',
  etat: 'État',
  epci: 'EPCI',
  administration: 'administration',
};

interface OptionsOrganisation {
  id?: string;
  nom?: string;
  categorie?: string;
  siren?: string;
  typeReservataire?: string;
  departement?: string;
  data: string;
  json?: boolean;
}

interface OptionsCompte {
  email?: string;
  nom?: string;
  organisation?: string;
  role?: string;
  data: string;
  json?: boolean;
}

export function ajouterAdministration(program: Command, io: Sorties, fin: (code: number) => void): void {
  // Loaded when a command runs: argon2 and the use cases stay out of `flux simulate`'s start-up.
  const admin = () => import('../app/admin.ts');

  const organisations = program
    .command('organisations')
    .description(
      'Organisations (bailleurs, réservataires, État, EPCI, administration) — base DATABASE_URL, sinon --data',
    );
  organisations
    .command('ajouter')
    .description('Crée une organisation (journalisée comme action de la ligne de commande)')
    .requiredOption('--id <identifiant>', 'identifiant court : lettres, chiffres, - et _ (2 à 40)')
    .requiredOption('--nom <nom>', 'nom affiché')
    .requiredOption('--categorie <categorie>', 'bailleur, reservataire, etat, epci ou administration')
    .option('--siren <siren>', 'SIREN (obligatoire pour un bailleur)')
    .option('--type-reservataire <type>', 'type de réservataire (etat, action_logement, commune…)')
    .option('--departement <dd>', 'département (pour l’État : son périmètre de pilotage)')
    .option('--json', 'sortie JSON')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .action(async (o: OptionsOrganisation) => {
      const noms = {
        id: '--id',
        nom: '--nom',
        categorie: '--categorie',
        siren: '--siren',
        typeReservataire: '--type-reservataire',
        departement: '--departement',
      };
      const entree = valider(
        nouvelleOrganisationSchema,
        {
          id: o.id,
          nom: o.nom,
          categorie: o.categorie,
          siren: o.siren,
          typeReservataire: o.typeReservataire,
          departement: o.departement,
        },
        noms,
      );
      const r = await avecOptions(noms, () =>
        dansLaBase(o.data, async (tx) => (await admin()).creerOrganisation(tx, null, entree)),
      );
      if (o.json) io.out(`${JSON.stringify(r, null, 2)}\n`);
      else io.out(`Organisation créée : ${r.nom} (${r.id}, ${CATEGORIES[r.categorie] ?? r.categorie}).\n`);
      fin(0);
    });
  organisations
    .command('lister')
    .description('Liste les organisations, par nom')
    .option('--json', 'sortie JSON')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .action(async (o: { data: string; json?: boolean }) => {
      const r = await dansLaBase(o.data, async (tx) => (await admin()).listerOrganisations(tx, null));
      if (o.json) io.out(`${JSON.stringify(r, null, 2)}\n`);
      else if (r.length === 0) io.out('Aucune organisation.\n');
      else
        for (const x of r)
          io.out(
            `${x.id}\t${x.nom}\t${CATEGORIES[x.categorie] ?? x.categorie}${x.siren ? `\tSIREN ${x.siren}` : ''}${x.departement ? `\tdépartement ${x.departement}` : ''}\n`,
          );
      fin(0);
    });

  const comptes = program.command('comptes').description('Comptes des agents — base DATABASE_URL, sinon --data');
  comptes
    .command('ajouter')
    .description(
      `Crée un compte (mot de passe : variable ${VARIABLE_MOT_DE_PASSE}, sinon première ligne de l’entrée standard ; jamais en option)`,
    )
    .requiredOption('--email <adresse>', 'adresse électronique (identifiant de connexion)')
    .requiredOption('--nom <nom>', 'nom affiché')
    .requiredOption('--organisation <identifiant>', 'identifiant de l’organisation (flux organisations lister)')
    .requiredOption(
      '--role <role>',
      'rôle : agent_bailleur, agent_reservataire, pilote_etat, lecteur_epci, administrateur',
    )
    .option('--json', 'sortie JSON')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .action(async (o: OptionsCompte) => {
      const noms = {
        email: '--email',
        nom: '--nom',
        organisationId: '--organisation',
        role: '--role',
        motDePasse: 'mot de passe',
      };
      const entree = valider(
        nouvelUtilisateurSchema,
        { email: o.email, nom: o.nom, organisationId: o.organisation, role: o.role, motDePasse: await motDePasse(io) },
        noms,
      );
      const r = await avecOptions(noms, () =>
        dansLaBase(o.data, async (tx) => (await admin()).creerUtilisateur(tx, null, entree)),
      );
      if (o.json) io.out(`${JSON.stringify(r, null, 2)}\n`);
      else io.out(`Compte créé : ${r.email} (${r.nom}), ${entree.role} de ${entree.organisationId}.\n`);
      fin(0);
    });
  comptes
    .command('desactiver')
    .description('Désactive un compte : il ne peut plus se connecter, ses sessions ouvertes sont fermées')
    .requiredOption('--email <adresse>', 'adresse électronique du compte')
    .option('--json', 'sortie JSON')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .action(async (o: { email?: string; data: string; json?: boolean }) => {
      const r = await dansLaBase(o.data, async (tx) => (await admin()).desactiverUtilisateur(tx, null, o.email ?? ''));
      if (o.json) io.out(`${JSON.stringify(r, null, 2)}\n`);
      else io.out(`Compte désactivé : ${r.email} (${r.sessionsFermees} session(s) fermée(s)).\n`);
      fin(0);
    });
}
