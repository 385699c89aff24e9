/**
 * The first-quartile thresholds shipped in `data-ref/quartiles/` (the annual arrêtés' annexes whose
 * text could be read, data-ref/README.md): each file loads whole through `flux import quartiles
 * FICHIER --annee N`, one row per EPCI, and the amounts the demo takes for the Loiret are the
 * files' (no fictitious amount where an official one is known).
 */
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { lireSeuils } from '../../src/app/quartiles.ts';
import { seuilsPremierQuartile } from '../../src/db/schema.ts';
import { SEUILS_OFFICIELS_LOIRET } from '../../src/seed/menages-demo.ts';
import { baseCli } from '../helpers/cli.ts';
import { genresDeTest } from '../helpers/database.ts';

const DOSSIER = join(import.meta.dirname, '..', '..', 'data-ref', 'quartiles');
/** File, year, EPCI count: the three full annexes (2024–2026) and the 2020 one as far as its copy goes. */
const FICHIERS = [
  ['seuils-q1-2020-partiel.csv', 2020, 18],
  ['seuils-q1-2024.csv', 2024, 425],
  ['seuils-q1-2025.csv', 2025, 425],
  ['seuils-q1-2026.csv', 2026, 424],
] as const;

const lire = (fichier: string) => lireSeuils(createReadStream(join(DOSSIER, fichier)), fichier);

describe('data-ref/quartiles : les seuils des arrêtés', () => {
  it.each(FICHIERS)('%s se lit sans erreur : %i, %i EPCI, un montant plausible chacun', async (f, _annee, n) => {
    const seuils = await lire(f);
    expect(seuils).toHaveLength(n);
    expect(new Set(seuils.map((s) => s.siren)).size).toBe(n);
    for (const s of seuils) {
      expect(s.montant).toBeGreaterThanOrEqual(5_000);
      expect(s.montant).toBeLessThanOrEqual(16_000);
    }
  });

  it('Île-de-France : un seul seuil régional, le même pour chacun de ses EPCI et EPT', async () => {
    for (const [f, annee] of FICHIERS.slice(1)) {
      const idf = readFileSync(join(DOSSIER, f), 'utf8')
        .split('\n')
        .slice(1)
        .filter((l) =>
          /;(Paris|Hauts-de-Seine|Seine-Saint-Denis|Val-de-Marne|Essonne|Yvelines|Val-d'Oise|Seine-et-Marne)$/.test(l),
        )
        .map((l) => l.split(';')[1]);
      expect(idf.length, String(annee)).toBeGreaterThanOrEqual(35);
      expect(new Set(idf).size, String(annee)).toBe(1);
    }
  });

  it('la démonstration prend les montants officiels des EPCI du Loiret', async () => {
    for (const [f, annee] of FICHIERS.slice(1)) {
      const parSiren = new Map((await lire(f)).map((s) => [s.siren, s.montant]));
      const loiret = SEUILS_OFFICIELS_LOIRET[annee]!;
      expect(Object.keys(loiret.montants).length).toBe(5);
      for (const [siren, montant] of Object.entries(loiret.montants)) expect(parSiren.get(siren)).toBe(montant);
    }
    expect(SEUILS_OFFICIELS_LOIRET[2025]!.montants['244500468']).toBe(10_347);
  });
});

describe.each(genresDeTest())('flux import quartiles des fichiers livrés (%s)', (genre) => {
  const b = baseCli(genre, 'flux-quartiles-officiels-', async () => undefined);

  it.each(FICHIERS)('%s s’importe tout entier pour %i', async (f, annee, n) => {
    const r = await b.lancer(['import', 'quartiles', join(DOSSIER, f), '--annee', String(annee), '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ annee, epci: n, retires: 0 });
    const lignes = await b.avecBase((db) =>
      db.select().from(seuilsPremierQuartile).where(eq(seuilsPremierQuartile.annee, annee)),
    );
    expect(lignes).toHaveLength(n);
    if (annee === 2025) expect(lignes.find((l) => l.epci === '244500468')?.montant).toBe(10_347);
    if (annee === 2020) expect(lignes.find((l) => l.epci === '200071751')?.montant).toBe(8_861);
  });
});
