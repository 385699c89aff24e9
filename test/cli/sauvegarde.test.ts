/**
 * `flux sauvegarde`, `flux restauration`, `flux migrer`: round trips PGlite → file → PGlite,
 * PostgreSQL → file → PGlite and PGlite → PostgreSQL (when DATABASE_URL is set) give back every
 * row of every table; a dump with an altered audit chain, a damaged file, another migration level
 * or a non-empty target restore nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journaliser } from '../../src/app/audit.ts';
import { tablesOrdonnees } from '../../src/app/sauvegarde.ts';
import { main } from '../../src/cli/main.ts';
import { lignes, ouvrirBase, type Db } from '../../src/db/client.ts';
import { seedDemo } from '../../src/seed/demo.ts';
import { ouvrirBaseDeTest, type BaseDeTest } from '../helpers/database.ts';

const dossier = mkdtempSync(join(tmpdir(), 'flux-sauvegarde-'));
afterAll(() => rmSync(dossier, { recursive: true, force: true }), 60_000);
const SOURCE = join(dossier, 'source');

async function lancer(argv: string[], url?: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const avant = process.env['DATABASE_URL'];
  if (url) process.env['DATABASE_URL'] = url;
  else delete process.env['DATABASE_URL'];
  try {
    const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  } finally {
    if (avant === undefined) delete process.env['DATABASE_URL'];
    else process.env['DATABASE_URL'] = avant;
  }
}

/** Every row of every table, as PostgreSQL writes it in JSON, sorted: two bases compare equal. */
async function contenu(db: Db): Promise<Record<string, string[]>> {
  const r: Record<string, string[]> = {};
  for (const t of await tablesOrdonnees(db)) {
    r[t] = (await lignes<{ l: string }>(db, sql.raw(`select row_to_json(x)::text as l from "${t}" x`)))
      .map((x) => x.l)
      .sort();
  }
  return r;
}

async function avecDossier<T>(data: string, f: (db: Db) => Promise<T>): Promise<T> {
  const base = await ouvrirBase({ dossier: data });
  try {
    await base.migrer();
    return await f(base.db);
  } finally {
    await base.fermer();
  }
}

/** The dump's lines, rewritten by `f`, with a correct trailer (so only the deeper checks can refuse it). */
function reecrire(fichier: string, sortie: string, f: (lignes: string[]) => void): void {
  const l = gunzipSync(readFileSync(fichier)).toString('utf8').trimEnd().split('\n');
  l.pop();
  f(l);
  const h = createHash('sha256');
  for (const x of l) h.update(x).update('\n');
  l.push(JSON.stringify({ fin: true, lignes: l.length, sha256: h.digest('hex') }));
  writeFileSync(sortie, gzipSync(`${l.join('\n')}\n`));
}

let reference: Record<string, string[]>;
const DUMP = join(dossier, 'flux.jsonl.gz');

beforeAll(async () => {
  reference = await avecDossier(SOURCE, async (db) => {
    await seedDemo(db, { annee: 2025, aujourdhui: '2025-05-15', echelle: 0.05 });
    // A few audit events with nested before/after values, as the application writes them.
    for (let i = 0; i < 5; i++) {
      await db.transaction((tx) =>
        journaliser(tx, null, {
          action: 'test.sauvegarde',
          cibleType: 'test',
          cibleId: String(i),
          avant: i === 0 ? null : { n: i - 1, liste: ['a', 'é'] },
          apres: { n: i, texte: 'ligne « citée »\n', nombre: 0.1 + 0.2 },
          motif: `motif ${i}`,
        }),
      );
    }
    return contenu(db);
  });
}, 300_000);

describe('flux sauvegarde / restauration (PGlite)', () => {
  it('sauvegarde : statut 0, un fichier gzip dont le manifeste compte chaque table et le journal d’audit', async () => {
    const r = await lancer(['sauvegarde', DUMP, '--data', SOURCE]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Sauvegarde écrite : .*flux\.jsonl\.gz .* tables, .* lignes, .* événements d’audit/);
    const lignesDump = gunzipSync(readFileSync(DUMP)).toString('utf8').trimEnd().split('\n');
    const manifeste = JSON.parse(lignesDump[0]!) as {
      format: string;
      tables: { nom: string; lignes: number }[];
      audit: { evenements: number };
      migrations: { nombre: number };
    };
    expect(manifeste.format).toBe('flux-sauvegarde');
    expect(manifeste.migrations.nombre).toBeGreaterThan(5);
    expect(Object.fromEntries(manifeste.tables.map((t) => [t.nom, t.lignes]))).toEqual(
      Object.fromEntries(Object.entries(reference).map(([t, l]) => [t, l.length])),
    );
    expect(manifeste.tables.find((t) => t.nom === 'logements')!.lignes).toBeGreaterThan(2000);
    expect(manifeste.audit.evenements).toBe(reference['evenements_audit']!.length);
    expect(manifeste.audit.evenements).toBeGreaterThanOrEqual(5);
    // Parents before children: organisations before logements before locations.
    const ordre = manifeste.tables.map((t) => t.nom);
    expect(ordre.indexOf('organisations')).toBeLessThan(ordre.indexOf('logements'));
    expect(ordre.indexOf('logements')).toBeLessThan(ordre.indexOf('locations'));
  });

  it('sauvegarde ou migrer d’un dossier embarqué absent : statut 2, rien créé', async () => {
    const absent = join(dossier, 'pas-de-base');
    const r = await lancer(['sauvegarde', join(dossier, 'x.jsonl.gz'), '--data', absent]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${absent} : dossier de base embarquée introuvable (--data, ou DATABASE_URL pour PostgreSQL)\n`);
    const m = await lancer(['migrer', '--vers', 'postgres://flux@localhost:1/flux', '--data', absent]);
    expect(m.code).toBe(2);
    expect(m.err).toMatch(/dossier de base embarquée introuvable/);
    expect(existsSync(absent)).toBe(false);
    expect(existsSync(join(dossier, 'x.jsonl.gz'))).toBe(false);
  });

  it('sauvegarde vers un fichier existant : statut 2, rien d’écrasé', async () => {
    const avant = readFileSync(DUMP);
    const r = await lancer(['sauvegarde', DUMP, '--data', SOURCE]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/existe déjà/);
    expect(readFileSync(DUMP).equals(avant)).toBe(true);
  });

  const CIBLE = join(dossier, 'cible');
  it('restauration dans une base neuve : chaque ligne de chaque table revient à l’identique', async () => {
    const r = await lancer(['restauration', DUMP, '--data', CIBLE]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Restauration terminée .* journal d’audit vérifié/);
    expect(await avecDossier(CIBLE, contenu)).toEqual(reference);
    const audit = await lancer(['audit', 'verify', '--data', CIBLE]);
    expect(audit.code).toBe(0);
  });

  it('les séquences reprennent après les lignes restaurées : une écriture auditée passe', async () => {
    await avecDossier(CIBLE, async (db) => {
      await db.transaction((tx) =>
        journaliser(tx, null, { action: 'test.apres_restauration', cibleType: 'test', cibleId: '1' }),
      );
    });
    expect((await lancer(['audit', 'verify', '--data', CIBLE])).code).toBe(0);
  });

  it('une base qui a des données : refusée (statut 2), puis remplacée avec --remplacer', async () => {
    const refus = await lancer(['restauration', DUMP, '--data', CIBLE]);
    expect(refus.code).toBe(2);
    expect(refus.err).toMatch(/la base n’est pas vide .*--remplacer/);
    const r = await lancer(['restauration', DUMP, '--data', CIBLE, '--remplacer']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(await avecDossier(CIBLE, contenu)).toEqual(reference);
  });

  it('un journal d’audit altéré dans la sauvegarde : statut 3, rien restauré', async () => {
    const altere = join(dossier, 'altere.jsonl.gz');
    reecrire(DUMP, altere, (l) => {
      const i = l.findIndex((x) => x.startsWith('{"table":"evenements_audit"'));
      const ev = JSON.parse(l[i + 3]!) as { seq: number; motif: string | null };
      expect(ev.seq).toBeGreaterThan(0);
      ev.motif = 'réécrit après coup';
      l[i + 3] = JSON.stringify(ev);
    });
    const vide = join(dossier, 'vide-1');
    const r = await lancer(['restauration', altere, '--data', vide]);
    expect(r.code).toBe(3);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/journal d’audit de la sauvegarde ALTÉRÉ : événement n° \d+ .* rien n’a été restauré/);
    const apres = await avecDossier(vide, contenu);
    for (const [t, l] of Object.entries(apres)) expect(l, t).toEqual([]);
  });

  it('un événement d’audit supprimé de la sauvegarde : statut 3', async () => {
    const altere = join(dossier, 'supprime.jsonl.gz');
    reecrire(DUMP, altere, (l) => {
      const i = l.findIndex((x) => x.startsWith('{"table":"evenements_audit"'));
      const entete = JSON.parse(l[i]!) as { lignes: number };
      expect(JSON.parse(l[i + 3]!)).toHaveProperty('hash');
      l.splice(i + 3, 1);
      l[i] = JSON.stringify({ table: 'evenements_audit', lignes: entete.lignes - 1 });
      const m = JSON.parse(l[0]!) as { tables: { nom: string; lignes: number }[] };
      m.tables.find((t) => t.nom === 'evenements_audit')!.lignes--;
      l[0] = JSON.stringify(m);
    });
    const r = await lancer(['restauration', altere, '--data', join(dossier, 'vide-2')]);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/ALTÉRÉ/);
  });

  it('une ligne modifiée sans refaire l’empreinte, un fichier tronqué, un fichier qui n’est pas une sauvegarde : statut 2', async () => {
    const texte = gunzipSync(readFileSync(DUMP)).toString('utf8');
    const modifie = join(dossier, 'modifie.jsonl.gz');
    writeFileSync(modifie, gzipSync(texte.replace('Habitat Loiret Démo', 'Habitat Loiret Demo')));
    const a = await lancer(['restauration', modifie, '--data', join(dossier, 'vide-3')]);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/empreinte SHA-256 ne correspond pas/);

    const tronque = join(dossier, 'tronque.jsonl.gz');
    writeFileSync(tronque, gzipSync(texte.slice(0, Math.floor(texte.length / 2))));
    const b = await lancer(['restauration', tronque, '--data', join(dossier, 'vide-3')]);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/tronquée|illisible/);

    const coupe = join(dossier, 'coupe.jsonl.gz');
    const gz = readFileSync(DUMP);
    writeFileSync(coupe, gz.subarray(0, gz.length - 100));
    const c = await lancer(['restauration', coupe, '--data', join(dossier, 'vide-3')]);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/illisible|tronquée/);

    const autre = join(dossier, 'autre.json');
    writeFileSync(autre, '{"annee": 2025}');
    const d = await lancer(['restauration', autre, '--data', join(dossier, 'vide-3')]);
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/pas un fichier gzip/);

    const e = await lancer(['restauration', join(dossier, 'absent.gz'), '--data', join(dossier, 'vide-3')]);
    expect(e.code).toBe(2);
    expect(e.err).toMatch(/fichier illisible \(ENOENT\)/);
    for (const r of [a, b, c, d, e]) expect(r.err).not.toMatch(/^\s+at /m);

    const apres = await avecDossier(join(dossier, 'vide-3'), contenu);
    for (const [t, l] of Object.entries(apres)) expect(l, t).toEqual([]);
  });

  it('une sauvegarde d’un autre niveau de migration : statut 2', async () => {
    const autre = join(dossier, 'niveau.jsonl.gz');
    reecrire(DUMP, autre, (l) => {
      const m = JSON.parse(l[0]!) as { migrations: { nombre: number } };
      m.migrations.nombre--;
      l[0] = JSON.stringify(m);
    });
    const r = await lancer(['restauration', autre, '--data', join(dossier, 'vide-4')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/niveau de migration \d+, cette base et cette version de Flux sont au niveau \d+/);
  });
});

describe.runIf(process.env['DATABASE_URL'])('flux migrer et sauvegarde (PostgreSQL)', () => {
  let pg: BaseDeTest;
  let pg2: BaseDeTest;
  beforeAll(async () => {
    pg = await ouvrirBaseDeTest('postgresql');
    pg2 = await ouvrirBaseDeTest('postgresql');
  }, 120_000);
  afterAll(async () => {
    await pg?.fermer();
    await pg2?.fermer();
  });

  it('migrer --vers : la base embarquée entière dans PostgreSQL, comptes et journal vérifiés', async () => {
    const r = await lancer(['migrer', '--vers', pg.url!, '--data', SOURCE]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/comptes identiques table par table, journal d’audit vérifié des deux côtés/);
    expect(await contenu(pg.base.db)).toEqual(reference);
    const audit = await lancer(['audit', 'verify'], pg.url!);
    expect(audit.code).toBe(0);
  });

  it('migrer vers une base qui a des données : statut 2, rien changé', async () => {
    const r = await lancer(['migrer', '--vers', pg.url!, '--data', SOURCE]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/la base n’est pas vide/);
    expect(await contenu(pg.base.db)).toEqual(reference);
  });

  it('PostgreSQL → fichier → PGlite, et fichier → PostgreSQL : identiques', async () => {
    const f = join(dossier, 'depuis-pg.jsonl.gz');
    expect((await lancer(['sauvegarde', f], pg.url!)).code).toBe(0);
    const data = join(dossier, 'depuis-pg');
    const r = await lancer(['restauration', f, '--data', data]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(await avecDossier(data, contenu)).toEqual(reference);
    const r2 = await lancer(['restauration', DUMP], pg2.url!);
    expect(r2.err).toBe('');
    expect(r2.code).toBe(0);
    expect(await contenu(pg2.base.db)).toEqual(reference);
  });

  it('migrer --vers une URL qui n’est pas PostgreSQL : statut 2', async () => {
    const r = await lancer(['migrer', '--vers', 'mysql://x@y/z', '--data', SOURCE]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/URL PostgreSQL attendue/);
  });
});
