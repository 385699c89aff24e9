/**
 * `npm start`: builds the web app when needed, opens the database (PGlite in ./data/flux, or
 * PostgreSQL when DATABASE_URL is set), migrates, seeds the demo département on an empty
 * database, and serves the API and the web app. Installs nothing; restarting keeps the data.
 * `FLUX_WEB=0`: the API only (no build, no web app); `FLUX_DEMO=0`: an empty database stays empty.
 * SIGTERM or SIGINT: stops accepting, lets the requests in progress finish (at most
 * FLUX_ARRET_DELAI_MS, default 10 s), closes the database, exits 0 (1 if it had to cut requests).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ouvrirBase } from '../src/db/client.ts';
import { construireServeur } from '../src/http/server.ts';
import { configOidcDepuisEnv } from '../src/app/proconnect.ts';
import { perimeDepuisEnv, reglerPerime } from '../src/app/memo.ts';
import { chargerQpvEmbarques } from '../src/reference/qpv.ts';
import { COMPTES_DEMO, MOT_DE_PASSE_DEMO, estVide, seedDemo } from '../src/seed/demo.ts';

const racine = resolve(import.meta.dirname, '..');
const webDist = join(racine, 'web/dist');

function plusRecent(dossier: string, depuis: number): boolean {
  if (!existsSync(dossier)) return false;
  for (const nom of readdirSync(dossier, { withFileTypes: true })) {
    const chemin = join(dossier, nom.name);
    if (nom.isDirectory() ? plusRecent(chemin, depuis) : statSync(chemin).mtimeMs > depuis) return true;
  }
  return false;
}

async function construireWebSiBesoin(): Promise<void> {
  const index = join(webDist, 'index.html');
  const construit = existsSync(index) ? statSync(index).mtimeMs : 0;
  const sources = [
    join(racine, 'web/src'),
    join(racine, 'web/index.html'),
    join(racine, 'web/vite.config.ts'),
    join(racine, 'src/contracts'),
  ];
  if (
    construit &&
    !sources.some((s) =>
      statSync(s, { throwIfNoEntry: false })?.isDirectory()
        ? plusRecent(s, construit)
        : (statSync(s, { throwIfNoEntry: false })?.mtimeMs ?? 0) > construit,
    )
  )
    return;
  console.log('Construction de l’interface web (web/dist)…');
  const { construireWeb } = await import('../web/build.ts');
  await construireWeb();
}

// ADR 0052: how long others may read an outdated answer while it is recomputed (off unless set).
reglerPerime(perimeDepuisEnv());
const debut = Date.now();
const avecWeb = process.env.FLUX_WEB !== '0';
if (avecWeb) await construireWebSiBesoin();
const url = process.env.DATABASE_URL;
const base = await ouvrirBase({ url, dossier: process.env.FLUX_DATA_DIR ?? join(racine, 'data/flux') });
await base.migrer();
// Reference lists shipped with the product (src/reference/data): loaded where not yet known.
await base.db.transaction((tx) => chargerQpvEmbarques(tx));
if (process.env.FLUX_DEMO !== '0' && (await estVide(base.db))) {
  console.log('Base vide : chargement du département de démonstration (Loiret)…');
  const r = await seedDemo(base.db);
  console.log(
    `  ${r.logements} logements, ${r.conventions} conventions, ${r.locations - r.anneePrecedente.locations} locations ${r.annee} rejouées par le moteur.`,
  );
  console.log(
    `  ${r.anneePrecedente.annee} : ${r.anneePrecedente.locations} locations terminées, bilan émis par chacun des ${r.anneePrecedente.bilansEmis} bailleurs.`,
  );
}
const serveur = await construireServeur({
  base,
  webDist: avecWeb ? webDist : undefined,
  oidc: configOidcDepuisEnv(process.env),
  https: process.env.FLUX_HTTPS === '1',
});
const port = Number(process.env.PORT ?? 3000);
const hote = process.env.HOST ?? '127.0.0.1';
await serveur.listen({ port, host: hote });
const ecoute = serveur.server.address();
const portReel = typeof ecoute === 'object' && ecoute ? ecoute.port : port;
const adresse = `http://${hote === '0.0.0.0' ? '127.0.0.1' : hote}:${portReel}/`;
console.log(`\nFlux est prêt (${((Date.now() - debut) / 1000).toFixed(1)} s) : ${adresse}`);
console.log(
  `Base : ${base.genre === 'pglite' ? `PGlite, ${process.env.FLUX_DATA_DIR ?? 'data/flux'}` : 'PostgreSQL (DATABASE_URL)'} · API documentée : ${adresse}api/docs`,
);
console.log(`\nComptes de démonstration (mot de passe : ${MOT_DE_PASSE_DEMO}) :`);
for (const c of COMPTES_DEMO) console.log(`  ${c.email.padEnd(26)} ${c.role.padEnd(20)} ${c.organisation}`);

// Graceful stop: Fastify stops accepting (new requests on kept-alive connections get 503), waits
// for the requests in progress, closes idle connections; then the pool (or PGlite) is closed.
// A second signal, or the delay running out, cuts what is left.
const delaiArret = Number(process.env.FLUX_ARRET_DELAI_MS ?? 10_000);
let arret: Promise<void> | null = null;
const arreter = (signal: NodeJS.Signals): void => {
  if (arret) {
    serveur.log.warn({ signal }, 'second signal : arrêt immédiat');
    process.exit(1);
  }
  serveur.log.info({ signal }, 'arrêt demandé : fin des requêtes en cours');
  const minuteur = setTimeout(() => {
    serveur.log.error({ delaiMs: delaiArret }, 'arrêt : requêtes encore en cours après le délai, connexions coupées');
    serveur.server.closeAllConnections();
    void base.fermer().finally(() => process.exit(1));
  }, delaiArret);
  minuteur.unref();
  arret = (async () => {
    try {
      await serveur.close();
      await base.fermer();
    } catch (e) {
      serveur.log.error(e, 'arrêt');
      process.exit(1);
    }
    clearTimeout(minuteur);
    serveur.log.info('arrêt terminé');
    process.exit(0);
  })();
};
process.on('SIGINT', arreter);
process.on('SIGTERM', arreter);
