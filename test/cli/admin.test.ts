/**
 * `flux organisations ajouter|lister`, `flux comptes ajouter|desactiver`: the administration use
 * cases from the command line, audited as the command line, French errors with exit status 2,
 * the password from FLUX_MOT_DE_PASSE or the standard input only.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { verify } from '@node-rs/argon2';
import { desc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { evenementsAudit, sessions, utilisateurs } from '../../src/db/schema.ts';
import { baseCli, type BaseCli } from '../helpers/cli.ts';
import { genresDeTest } from '../helpers/database.ts';

const BIN = fileURLToPath(new URL('../../bin/flux.js', import.meta.url));
const MDP = 'un mot de passe assez long';

/** The command with an injected standard input (and the test base's DATABASE_URL / --data). */
async function lancer(b: BaseCli, argv: string[], entree = '') {
  let out = '';
  let err = '';
  const avant = process.env['DATABASE_URL'];
  if (b.url) process.env['DATABASE_URL'] = b.url;
  else delete process.env['DATABASE_URL'];
  try {
    const code = await main([...argv, '--data', b.data], {
      out: (s) => (out += s),
      err: (s) => (err += s),
      entree: () => Promise.resolve(entree),
    });
    return { code, out, err };
  } finally {
    if (avant === undefined) delete process.env['DATABASE_URL'];
    else process.env['DATABASE_URL'] = avant;
  }
}

afterEach(() => {
  delete process.env['FLUX_MOT_DE_PASSE'];
});

describe.each(genresDeTest())('flux organisations / comptes (%s)', (genre) => {
  const b = baseCli(genre, 'flux-admin-', () => Promise.resolve());

  it('organisations ajouter : créée, listée, journalisée comme ligne de commande', async () => {
    const r = await lancer(b, [
      'organisations',
      'ajouter',
      '--id',
      'HLM-45',
      '--nom',
      'Habitat du Loiret',
      '--categorie',
      'bailleur',
      '--siren',
      '123456789',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe('Organisation créée : Habitat du Loiret (HLM-45, bailleur).\n');
    const etat = await lancer(b, [
      'organisations',
      'ajouter',
      '--id',
      'ETAT-45',
      '--nom',
      'Préfecture du Loiret',
      '--categorie',
      'etat',
      '--type-reservataire',
      'etat',
      '--departement',
      '45',
    ]);
    expect(etat.code).toBe(0);
    const l = await lancer(b, ['organisations', 'lister']);
    expect(l.code).toBe(0);
    expect(l.out).toBe(
      'HLM-45\tHabitat du Loiret\tbailleur\tSIREN 123456789\nETAT-45\tPréfecture du Loiret\tÉtat\tdépartement 45\n',
    );
    const json = JSON.parse((await lancer(b, ['organisations', 'lister', '--json'])).out) as { id: string }[];
    expect(json.map((o) => o.id)).toEqual(['HLM-45', 'ETAT-45']);
    const [ev] = await b.avecBase((db) =>
      db.select().from(evenementsAudit).where(eq(evenementsAudit.cibleId, 'HLM-45')),
    );
    expect(ev).toMatchObject({
      action: 'organisation.creer',
      utilisateurId: null,
      organisationId: null,
      motif: 'ligne de commande (flux)',
    });
    expect((await lancer(b, ['audit', 'verify'])).code).toBe(0);
  });

  it('organisations ajouter : saisie invalide → statut 2, message français nommant l’option', async () => {
    const base = ['organisations', 'ajouter', '--id', 'X-1', '--nom', 'Organisation X'];
    const categorie = await lancer(b, [...base, '--categorie', 'club']);
    expect(categorie.code).toBe(2);
    expect(categorie.err).toMatch(/^--categorie: /m);
    const siren = await lancer(b, [...base, '--categorie', 'bailleur']);
    expect(siren.code).toBe(2);
    expect(siren.err).toBe('--siren: un bailleur est identifié par son SIREN\n');
    const id = await lancer(b, [
      ...base.slice(0, 2),
      '--id',
      'pas d’espace',
      '--nom',
      'Organisation X',
      '--categorie',
      'bailleur',
    ]);
    expect(id.code).toBe(2);
    expect(id.err).toMatch(/^--id: identifiant : lettres, chiffres, - et _$/m);
    const double = await lancer(b, [
      'organisations',
      'ajouter',
      '--id',
      'HLM-45',
      '--nom',
      'Encore',
      '--categorie',
      'bailleur',
      '--siren',
      '123456789',
    ]);
    expect(double.code).toBe(2);
    expect(double.err).toBe('l’organisation « HLM-45 » existe déjà\n');
    for (const r of [categorie, siren, id, double]) {
      expect(r.out).toBe('');
      expect(r.err).not.toMatch(/^\s+at /m);
    }
  });

  const compte = ['comptes', 'ajouter', '--email', 'Agent@Habitat.fr', '--nom', 'Agent Un'];
  const role = ['--organisation', 'HLM-45', '--role', 'agent_bailleur'];

  it('comptes ajouter : le mot de passe par FLUX_MOT_DE_PASSE, haché, journalisé', async () => {
    process.env['FLUX_MOT_DE_PASSE'] = MDP;
    const r = await lancer(b, [...compte, ...role]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe('Compte créé : agent@habitat.fr (Agent Un), agent_bailleur de HLM-45.\n');
    const [u] = await b.avecBase((db) =>
      db.select().from(utilisateurs).where(eq(utilisateurs.email, 'agent@habitat.fr')),
    );
    expect(u!.motDePasse).not.toContain(MDP);
    expect(await verify(u!.motDePasse!, MDP)).toBe(true);
    const [ev] = await b.avecBase((db) =>
      db.select().from(evenementsAudit).orderBy(desc(evenementsAudit.seq)).limit(1),
    );
    expect(ev).toMatchObject({ action: 'utilisateur.creer', cibleId: u!.id, utilisateurId: null });
    expect(JSON.stringify(ev!.apres)).not.toContain(MDP);
  });

  it('comptes ajouter : le mot de passe sur l’entrée standard (première ligne)', async () => {
    const r = await lancer(
      b,
      ['comptes', 'ajouter', '--email', 'deux@habitat.fr', '--nom', 'Agent Deux', ...role],
      `${MDP} 2\nligne ignorée\n`,
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const [u] = await b.avecBase((db) =>
      db.select().from(utilisateurs).where(eq(utilisateurs.email, 'deux@habitat.fr')),
    );
    expect(await verify(u!.motDePasse!, `${MDP} 2`)).toBe(true);
  });

  it('comptes ajouter : sans mot de passe, trop court, en option, mauvais rôle, doublon → statut 2', async () => {
    const sans = await lancer(b, ['comptes', 'ajouter', '--email', 'trois@habitat.fr', '--nom', 'Trois', ...role], '');
    expect(sans.code).toBe(2);
    expect(sans.err).toMatch(/^mot de passe: absent : donnez-le par la variable FLUX_MOT_DE_PASSE/m);
    const court = await lancer(
      b,
      ['comptes', 'ajouter', '--email', 'trois@habitat.fr', '--nom', 'Trois', ...role],
      'court\n',
    );
    expect(court.code).toBe(2);
    expect(court.err).toBe('mot de passe: au moins 12 caractères\n');
    const option = await lancer(b, [
      'comptes',
      'ajouter',
      '--email',
      'trois@habitat.fr',
      '--nom',
      'Trois',
      ...role,
      '--mot-de-passe',
      MDP,
    ]);
    expect(option.code).toBe(2);
    process.env['FLUX_MOT_DE_PASSE'] = MDP;
    const mauvaisRole = await lancer(b, [
      'comptes',
      'ajouter',
      '--email',
      'trois@habitat.fr',
      '--nom',
      'Trois',
      '--organisation',
      'HLM-45',
      '--role',
      'pilote_etat',
    ]);
    expect(mauvaisRole.code).toBe(2);
    expect(mauvaisRole.err).toBe(
      '--role: le rôle « pilote_etat » ne convient pas à une organisation de catégorie « bailleur »\n',
    );
    const double = await lancer(b, [...compte, ...role]);
    expect(double.code).toBe(2);
    expect(double.err).toBe('un compte existe déjà pour agent@habitat.fr\n');
    const inconnue = await lancer(b, [
      ...compte.slice(0, 2),
      '--email',
      'x@y.fr',
      '--nom',
      'Agent X',
      '--organisation',
      'NULLE',
      '--role',
      'agent_bailleur',
    ]);
    expect(inconnue.code).toBe(2);
    expect(inconnue.err).toBe('--organisation: organisation « NULLE » inconnue\n');
    const n = await b.avecBase((db) => db.select().from(utilisateurs));
    expect(n.map((u) => u.email).sort()).toEqual(['agent@habitat.fr', 'deux@habitat.fr']);
  });

  it('comptes desactiver : plus de connexion, sessions fermées, journalisé ; deux fois ou inconnu → statut 2', async () => {
    const { connecter } = await import('../../src/app/auth.ts');
    await b.avecBase((db) => db.transaction((tx) => connecter(tx, 'agent@habitat.fr', MDP)));
    const r = await lancer(b, ['comptes', 'desactiver', '--email', 'AGENT@habitat.fr']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe('Compte désactivé : agent@habitat.fr (1 session(s) fermée(s)).\n');
    const [u] = await b.avecBase((db) =>
      db.select().from(utilisateurs).where(eq(utilisateurs.email, 'agent@habitat.fr')),
    );
    expect(u!.actif).toBe(false);
    expect(await b.avecBase((db) => db.select().from(sessions).where(eq(sessions.utilisateurId, u!.id)))).toEqual([]);
    await expect(b.avecBase((db) => db.transaction((tx) => connecter(tx, 'agent@habitat.fr', MDP)))).rejects.toThrow();
    const [ev] = await b.avecBase((db) =>
      db.select().from(evenementsAudit).orderBy(desc(evenementsAudit.seq)).limit(1),
    );
    expect(ev).toMatchObject({ action: 'utilisateur.desactiver', cibleId: u!.id, motif: 'ligne de commande (flux)' });
    const encore = await lancer(b, ['comptes', 'desactiver', '--email', 'agent@habitat.fr']);
    expect(encore.code).toBe(2);
    expect(encore.err).toBe('le compte de agent@habitat.fr est déjà désactivé\n');
    const inconnu = await lancer(b, ['comptes', 'desactiver', '--email', 'personne@habitat.fr']);
    expect(inconnu.code).toBe(2);
    expect(inconnu.err).toBe('aucun compte pour personne@habitat.fr\n');
    expect((await lancer(b, ['audit', 'verify'])).code).toBe(0);
  });

  it.runIf(genre === 'pglite')('par le vrai binaire : le mot de passe lu sur l’entrée standard', () => {
    const env = { ...process.env };
    delete env['DATABASE_URL'];
    delete env['FLUX_MOT_DE_PASSE'];
    const p = spawnSync(
      process.execPath,
      [BIN, 'comptes', 'ajouter', '--email', 'quatre@habitat.fr', '--nom', 'Quatre', ...role, '--data', b.data],
      { input: `${MDP}\n`, encoding: 'utf8', env, cwd: join(b.dossier) },
    );
    expect(p.stderr).toBe('');
    expect(p.status).toBe(0);
    expect(p.stdout).toMatch(/^Compte créé : quatre@habitat\.fr/);
  });
});
