/**
 * `flux import reservations|qpv|zonage|quartiles`: a bailleur's stock reservations and the reference
 * lists (QPV, APL zones, zones tendues, first-quartile thresholds). Each reads a whole CSV, checks every row and writes all or
 * nothing in one transaction on the database of DATABASE_URL (else the PGlite folder `--data`).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { Tx } from '../app/base.ts';

interface Sorties {
  out: (s: string) => void;
  err: (s: string) => void;
}

const DOSSIER_DEFAUT = process.env.FLUX_DATA_DIR ?? 'data/flux';

/** Reads the file, opens and migrates the base, runs `action` in one transaction. */
async function executer<R>(
  fichier: string,
  data: string,
  io: Sorties,
  action: (tx: Tx, octets: Uint8Array, nom: string) => Promise<R>,
): Promise<R | null> {
  let octets: Uint8Array;
  try {
    octets = await readFile(fichier);
  } catch (err) {
    io.err(`${fichier}: fichier illisible (${(err as NodeJS.ErrnoException).code ?? 'erreur'})\n`);
    return null;
  }
  const { ouvrirBase } = await import('../app/base.ts');
  const base = await ouvrirBase({ url: process.env.DATABASE_URL, dossier: data });
  try {
    await base.migrer();
    return await base.db.transaction((tx) => action(tx, octets, basename(fichier)));
  } finally {
    await base.fermer();
  }
}

export function ajouterImportsReferentiels(importer: Command, io: Sorties, fin: (code: number) => void): void {
  importer
    .command('reservations')
    .description('Importe les réservations du stock d’un bailleur (CSV : RPLS ; RESERVATAIRE ; TYPE) : tout ou rien')
    .argument(
      '<fichier>',
      'CSV « ; » ou « , » : RPLS (identifiant), RESERVATAIRE (identifiant Flux ou SIREN, vide = non réservé), TYPE facultatif',
    )
    .requiredOption('--bailleur <id>', 'identifiant Flux ou SIREN du bailleur')
    .option('--json', 'résumé JSON')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .action(async (fichier: string, o: { bailleur: string; json?: boolean; data: string }) => {
      const { importerReservationsStock, resumeReservationsFrancais, ReservationsRefusees } =
        await import('../app/reservations-stock.ts');
      let r;
      try {
        r = await executer(fichier, o.data, io, (tx, octets, nom) =>
          importerReservationsStock(tx, null, { bailleur: o.bailleur, fichier: nom, octets }),
        );
      } catch (err) {
        if (!(err instanceof ReservationsRefusees)) throw err;
        // The error file next to the input (the system's temporary directory when that one is read-only).
        const { copyFile } = await import('node:fs/promises');
        const { tmpdir } = await import('node:os');
        const { dirname, extname, join } = await import('node:path');
        const { supprimerTemporaire } = await import('../import/fichier-temporaire.ts');
        const nom = `${basename(fichier, extname(fichier))}.erreurs.csv`;
        let chemin = join(dirname(fichier), nom);
        try {
          await copyFile(err.erreurs.chemin, chemin).catch(() =>
            copyFile(err.erreurs.chemin, (chemin = join(tmpdir(), nom))),
          );
        } finally {
          await supprimerTemporaire(err.erreurs.chemin);
        }
        for (const p of err.problemes) io.err(`${p.chemin} : ${p.message}\n`);
        if (err.nombreProblemes > err.problemes.length)
          io.err(`… et ${err.nombreProblemes - err.problemes.length} autres problèmes\n`);
        io.err(`${err.rejetes} ligne(s) rejetée(s), rien n’a été importé ; fichier d’erreurs : ${chemin}\n`);
        return fin(2);
      }
      if (!r) return fin(2);
      io.out(o.json ? `${JSON.stringify(r, null, 2)}\n` : `${resumeReservationsFrancais(r)}\n`);
      fin(0);
    });
  importer
    .command('qpv')
    .description('Importe une liste officielle de quartiers prioritaires (CSV : CODE_QP ; NOM_QP ; CODE_COMMUNE)')
    .argument('<fichier>', 'CSV « ; » ou « , », une ligne par quartier et commune')
    .requiredOption('--geographie <annee>', 'géographie : 2015 (codes QP…) ou 2024 (codes QN…)')
    .requiredOption(
      '--source <texte>',
      'source de la liste (ex. « ANCT, liste des QPV 2024, data.gouv.fr, 2024-01-01 »)',
    )
    .option('--json', 'résumé JSON')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .action(async (fichier: string, o: { geographie: string; source: string; json?: boolean; data: string }) => {
      const { GEOGRAPHIES_QPV, importerQpv } = await import('../reference/qpv.ts');
      const geographie = GEOGRAPHIES_QPV.find((g) => g === o.geographie);
      if (!geographie) {
        io.err(`--geographie : « ${o.geographie} » invalide (2015 ou 2024)\n`);
        return fin(2);
      }
      const r = await executer(fichier, o.data, io, (tx, octets, nom) =>
        importerQpv(tx, null, { fichier: nom, octets, geographie, source: o.source }),
      );
      if (!r) return fin(2);
      io.out(
        o.json
          ? `${JSON.stringify(r, null, 2)}\n`
          : `Quartiers prioritaires ${r.geographie} importés (${r.fichier}) : ${r.quartiers} quartier(s), ${r.nouveaux} nouveau(x), ${r.modifies} modifié(s) ; départements ${r.departements.join(', ')}.\n`,
      );
      fin(0);
    });
  importer
    .command('zonage')
    .description(
      'Importe un zonage daté des communes : zone APL (I, II, III), zone tendue (décret 2023-822) ou zones de l’examen de l’occupation (CCH L.442-5-2, arrêté pris en application de R.442-3-3)',
    )
    .argument('<fichier>', 'CSV : CODGEO (commune) et, pour la zone APL, ZONE')
    .requiredOption('--type <zonage>', 'zone_apl, zone_tendue ou zone_examen_occupation')
    .requiredOption('--du <date>', 'premier jour de validité (AAAA-MM-JJ)')
    .option('--au <date>', 'fin de validité, exclue (AAAA-MM-JJ)')
    .requiredOption('--source <texte>', 'texte officiel (ex. « décret n° 2023-822 du 25 août 2023 »)')
    .option('--remplace', 'la liste remplace la précédente : les communes absentes sortent du zonage au --du')
    .option('--json', 'résumé JSON')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .action(
      async (
        fichier: string,
        o: { type: string; du: string; au?: string; source: string; remplace?: boolean; json?: boolean; data: string },
      ) => {
        const { ZONAGES, importerZonage } = await import('../reference/zonages.ts');
        const zonage = ZONAGES.find((z) => z === o.type);
        if (!zonage) {
          io.err(`--type : « ${o.type} » invalide (zone_apl, zone_tendue ou zone_examen_occupation)\n`);
          return fin(2);
        }
        const r = await executer(fichier, o.data, io, (tx, octets, nom) =>
          importerZonage(tx, null, {
            fichier: nom,
            octets,
            zonage,
            du: o.du,
            au: o.au ?? null,
            source: o.source,
            remplacer: o.remplace,
          }),
        );
        if (!r) return fin(2);
        const valeurs = Object.entries(r.parValeur)
          .map(([v, n]) => `${v} : ${n}`)
          .join(', ');
        io.out(
          o.json
            ? `${JSON.stringify(r, null, 2)}\n`
            : `Zonage ${r.zonage} importé (${r.fichier}) : ${r.communes} commune(s) à partir du ${r.du}${r.au ? ` jusqu’au ${r.au} exclu` : ''} (${valeurs}) ; ${r.periodesCloses} période(s) antérieure(s) close(s).\n`,
        );
        fin(0);
      },
    );
  importer
    .command('quartiles')
    .description(
      'Importe les seuils du premier quartile d’une année (CSV : SIREN ; MONTANT en € par UC) : tout ou rien',
    )
    .argument('<fichier>', 'CSV « ; » ou « , » : SIREN de l’EPCI, montant en euros par unité de consommation')
    .requiredOption('--annee <n>', 'année des seuils (celle de l’arrêté)')
    .option(
      '--source <texte>',
      'arrêté (ex. « arrêté du 3 juin 2025, JORF … ») ; par défaut l’arrêté annuel de l’année',
    )
    .option('--json', 'résumé JSON')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .action(async (fichier: string, o: { annee: string; source?: string; json?: boolean; data: string }) => {
      const annee = Number(o.annee);
      if (!/^\d{4}$/.test(o.annee) || annee < 2017) {
        io.err(`--annee : « ${o.annee} » invalide (une année, 2017 ou après)\n`);
        return fin(2);
      }
      const { createReadStream } = await import('node:fs');
      const { access } = await import('node:fs/promises');
      const { importerSeuils, lireSeuils } = await import('../app/quartiles.ts');
      const { DonneesInvalides } = await import('../domain/errors.ts');
      try {
        await access(fichier);
      } catch (err) {
        io.err(`${fichier}: fichier illisible (${(err as NodeJS.ErrnoException).code ?? 'erreur'})\n`);
        return fin(2);
      }
      let seuils;
      try {
        seuils = await lireSeuils(createReadStream(fichier), basename(fichier));
      } catch (err) {
        if (!(err instanceof DonneesInvalides)) throw err;
        for (const p of err.problemes) io.err(`${p.chemin} : ${p.message}\n`);
        io.err('rien n’a été importé\n');
        return fin(2);
      }
      const { ouvrirBase } = await import('../app/base.ts');
      const base = await ouvrirBase({ url: process.env.DATABASE_URL, dossier: o.data });
      let r;
      try {
        await base.migrer();
        r = await base.db.transaction((tx) =>
          importerSeuils(tx, null, { annee, fichier: basename(fichier), source: o.source, seuils }),
        );
      } finally {
        await base.fermer();
      }
      io.out(
        o.json
          ? `${JSON.stringify(r, null, 2)}\n`
          : `Seuils du premier quartile ${r.annee} importés (${r.fichier}) : ${r.epci} EPCI, ${r.modifies} montant(s) modifié(s), ${r.retires} EPCI retiré(s) ; source : ${r.source}.\n`,
      );
      fin(0);
    });
}
