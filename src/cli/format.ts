/** The French summary of a simulation, as a plain-text table for the terminal. */
import type { Indicateur, ResultatSimulation } from '../domain/engine.ts';
import { LIBELLES_EXCLUSION, type MotifExclusion } from '../domain/flow.ts';

const nombre = (x: number, decimales = 0) =>
  x
    .toLocaleString('fr-FR', { minimumFractionDigits: decimales, maximumFractionDigits: decimales })
    .replace(/\u202f/g, ' ');
const pourcent = (x: number) => `${nombre(x * 100, 1)} %`;
const signe = (x: number) => {
  const arrondi = Math.round(x * 10) / 10;
  return arrondi > 0 ? `+${nombre(arrondi, 1)}` : nombre(arrondi === 0 ? 0 : arrondi, 1);
};

function tableau(entetes: string[], lignes: string[][]): string {
  const largeurs = entetes.map((e, i) => Math.max(e.length, ...lignes.map((l) => l[i]!.length)));
  const rendre = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(largeurs[i]!) : c.padStart(largeurs[i]!))).join('  ');
  return [rendre(entetes), largeurs.map((l) => '─'.repeat(l)).join('  '), ...lignes.map(rendre)].join('\n');
}

function indicateur(nom: string, i: Indicateur): string {
  const realise =
    i.realise === null ? 'sans objet (aucun bail)' : `${pourcent(i.realise)} (${i.numerateur}/${i.denominateur})`;
  const etat = i.realise === null ? '' : i.realise >= i.cible ? '  ✓ atteint' : '  ✗ non atteint';
  const inconnus = i.inconnus
    ? `, dont ${nombre(i.inconnus)} ménage${i.inconnus > 1 ? 's' : ''} au quartile inconnu`
    : '';
  return `  ${nom} : ${realise}${inconnus}, cible ${pourcent(i.cible)}${etat}`;
}

export function resumeFrancais(r: ResultatSimulation, titre: string): string {
  const out: string[] = [];
  out.push(titre, '');
  out.push(
    `Flux annuel : ${nombre(r.flux.disponibles)} logements disponibles (dont ${nombre(r.flux.premieresMisesEnLocation)} premières mises en location)`,
  );
  const exclus = Object.entries(r.flux.exclus).filter(([, n]) => n > 0);
  const totalExclus = exclus.reduce((s, [, n]) => s + n, 0);
  out.push(
    `  − ${nombre(totalExclus)} exclus${exclus.length ? ' : ' + exclus.map(([k, n]) => `${LIBELLES_EXCLUSION[k as MotifExclusion]} ${nombre(n)}`).join(', ') : ''}`,
  );
  out.push(`  = ${nombre(r.flux.fluxAnnuel)} logements dans le flux`, '');
  out.push('Bilan par convention (droit exact = taux × flux du périmètre + report) :');
  out.push(
    tableau(
      [
        'Réservataire',
        'Taux',
        'Droit',
        'Mis à dispo.',
        'Proposés',
        'Attribués',
        'Baux',
        'Échecs',
        'Pour un tour',
        'En cours',
        'Décomptés',
        'Solde',
        'Report N+1',
      ],
      r.bilan.map((l) => [
        l.reservataire,
        pourcent(l.taux),
        nombre(l.droit, 1),
        nombre(l.misADisposition),
        nombre(l.proposes),
        nombre(l.attribues),
        nombre(l.bauxSignes),
        nombre(l.echecs),
        nombre(l.pourUnTour),
        nombre(l.enCours),
        nombre(l.decomptes),
        signe(l.solde),
        signe(l.reportAnneeSuivante),
      ]),
    ),
  );
  out.push(
    '',
    'Solde = décomptés − droit : négatif, le réservataire est créancier ; le report de l’année suivante s’ajoute à son droit avec le signe opposé.',
  );
  out.push('', 'Objectifs d’attribution (baux signés) :');
  out.push(indicateur('Hors QPV, 1er quartile ou relogés ANRU/ORCOD', r.objectifs.quartile1HorsQpv));
  out.push(indicateur('En QPV, hors 1er quartile', r.objectifs.nonQuartile1EnQpv));
  for (const [epci, o] of Object.entries(r.objectifs.parEpci)) {
    out.push(indicateur(`EPCI ${epci} — hors QPV, 1er quartile ou relogés ANRU/ORCOD`, o.quartile1HorsQpv));
    out.push(indicateur(`EPCI ${epci} — en QPV, hors 1er quartile`, o.nonQuartile1EnQpv));
  }
  for (const [id, i] of Object.entries(r.objectifs.prioritaires))
    out.push(indicateur(`Publics prioritaires — ${id}`, i));
  if (r.objectifs.quartile1Declares > 0)
    out.push(
      `  ${nombre(r.objectifs.quartile1Declares)} bail(s) au 1er quartile déclaré plutôt que calculé sur les ressources`,
    );
  const relogements = Object.entries(r.relogements).filter(([, b]) => b.liberes > 0);
  if (relogements.length > 0) {
    out.push('', 'Locations hors flux (bilan des relogements, CCH R.441-5) :');
    out.push(
      tableau(
        ['Catégorie', 'Libérés', 'Baux signés', 'En cours'],
        relogements.map(([k, b]) => [
          LIBELLES_EXCLUSION[k as MotifExclusion],
          nombre(b.liberes),
          nombre(b.bauxSignes),
          nombre(b.enCours),
        ]),
      ),
    );
  }
  const forcees = r.orientations.filter((o) => o.forcee).length;
  out.push(
    '',
    `${nombre(r.orientations.length)} orientations, dont ${nombre(forcees)} décidées par le bailleur (forcées ou multiples). Détail et explications : --json.`,
  );
  return out.join('\n');
}
