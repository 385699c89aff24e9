/**
 * Fan charts drawn in SVG (no chart library), for the Monte Carlo year (issue 18): `Eventail` draws
 * one line's cumulative units month by month as a 10–90 % band around the median; `BandesOptions`
 * draws each option's balance at 31 December as a band with its median, side by side, with the
 * zero line. Each has an accessible name and a description giving every figure; the page gives the
 * same figures in a table (the chart is a picture of the table).
 */
import { useId } from 'react';
import { decimal } from '../format.ts';
import { MOIS_COURTS } from './Courbes.tsx';

export interface Fourchette {
  p10: number;
  mediane: number;
  p90: number;
}

const BLEU = '#000091';
const BLEU_CLAIR = '#cacafb';

/** A readable step for an axis: 1, 2 or 5 × a power of ten, for about four lines. */
function pas(etendue: number): number {
  const brut = etendue / 4;
  const p = 10 ** Math.floor(Math.log10(Math.max(brut, 1e-9)));
  for (const k of [1, 2, 5]) if (k * p >= brut) return k * p;
  return 10 * p;
}

const court = (v: number) => decimal(v).replace(/,0$/, '');

/** One line's cumulative units over the twelve months: median line, 10–90 % band. */
export function Eventail({ titre, mois }: { titre: string; mois: readonly Fourchette[] }) {
  const id = useId();
  const largeur = 360;
  const hauteur = 180;
  const gauche = 40;
  const droite = 8;
  const haut = 8;
  const bas = 24;
  const max0 = Math.max(1, ...mois.map((m) => m.p90));
  const p = pas(max0);
  const max = Math.ceil(max0 / p) * p;
  const x = (m: number) => gauche + (m * (largeur - gauche - droite)) / 11;
  const y = (v: number) => haut + ((max - v) * (hauteur - haut - bas)) / max;
  const bande = [
    ...mois.map((m, i) => `${x(i)},${y(m.p90)}`),
    ...mois.map((m, i) => `${x(i)},${y(m.p10)}`).reverse(),
  ].join(' ');
  const graduations: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += p) graduations.push(Math.round(v * 1e6) / 1e6);
  const description = mois
    .map((m, i) => `${MOIS_COURTS[i]} ${court(m.mediane)} (${court(m.p10)} à ${court(m.p90)})`)
    .join(', ');
  return (
    <figure className="flux-graphique flux-eventail">
      <svg
        viewBox={`0 0 ${largeur} ${hauteur}`}
        width="100%"
        role="img"
        aria-labelledby={`${id}-titre ${id}-desc`}
        className="flux-graphique__svg"
      >
        <title id={`${id}-titre`}>{titre}</title>
        <desc id={`${id}-desc`}>
          Logements cumulés, médiane et fourchette 10 % – 90 % à la fin de chaque mois : {description}
        </desc>
        {graduations.map((v) => (
          <g key={v}>
            <line x1={gauche} x2={largeur - droite} y1={y(v)} y2={y(v)} stroke="#dddddd" strokeWidth={1} />
            <text
              x={gauche - 4}
              y={y(v)}
              textAnchor="end"
              dominantBaseline="middle"
              className="flux-graphique__etiquette"
            >
              {court(v)}
            </text>
          </g>
        ))}
        {[0, 3, 6, 9, 11].map((i) => (
          <text key={i} x={x(i)} y={hauteur - 6} textAnchor="middle" className="flux-graphique__etiquette">
            {MOIS_COURTS[i]}
          </text>
        ))}
        <polygon points={bande} fill={BLEU_CLAIR} stroke="none" />
        <polyline
          points={mois.map((m, i) => `${x(i)},${y(m.mediane)}`).join(' ')}
          fill="none"
          stroke={BLEU}
          strokeWidth={2}
        />
      </svg>
      <figcaption className="fr-text--xs fr-mb-0">{titre}</figcaption>
    </figure>
  );
}

/** Each option's balance at 31 December for one line: a band from 10 % to 90 %, a mark at the median. */
export function BandesOptions({
  titre,
  options,
}: {
  titre: string;
  options: readonly { nom: string; solde: Fourchette }[];
}) {
  const id = useId();
  const ligne = 30;
  // Room for the longest option name on the left: Marianne at the labels' 13 px takes up to about
  // 7.2 units a character (5.8 clipped « gestion déléguée au bailleur (contingent de l’État) »).
  const gauche = Math.max(190, 12 + 7.2 * Math.max(0, ...options.map((o) => o.nom.length)));
  const largeur = gauche + 370;
  const droite = 16;
  const haut = 8;
  const bas = 24;
  const hauteur = haut + bas + ligne * options.length;
  const valeurs = options.flatMap((o) => [o.solde.p10, o.solde.p90]);
  const min0 = Math.min(-1, ...valeurs);
  const max0 = Math.max(1, ...valeurs);
  const p = pas(max0 - min0);
  const min = Math.floor(min0 / p) * p;
  const max = Math.ceil(max0 / p) * p;
  const x = (v: number) => gauche + ((v - min) * (largeur - gauche - droite)) / (max - min || 1);
  const graduations: number[] = [];
  for (let v = min; v <= max + 1e-9; v += p) graduations.push(Math.round(v * 1e6) / 1e6);
  return (
    <figure className="flux-graphique">
      <svg
        viewBox={`0 0 ${largeur} ${hauteur}`}
        width="100%"
        role="img"
        aria-labelledby={`${id}-titre ${id}-desc`}
        className="flux-graphique__svg"
      >
        <title id={`${id}-titre`}>{titre}</title>
        <desc id={`${id}-desc`}>
          {options
            .map((o) => `${o.nom} : ${court(o.solde.mediane)} (${court(o.solde.p10)} à ${court(o.solde.p90)})`)
            .join(' ; ')}
        </desc>
        {graduations.map((v) => (
          <g key={v}>
            <line
              x1={x(v)}
              x2={x(v)}
              y1={haut}
              y2={hauteur - bas}
              stroke={v === 0 ? '#666666' : '#dddddd'}
              strokeWidth={v === 0 ? 1.5 : 1}
            />
            <text x={x(v)} y={hauteur - 8} textAnchor="middle" className="flux-graphique__etiquette">
              {court(v)}
            </text>
          </g>
        ))}
        {options.map((o, i) => {
          const cy = haut + ligne * i + ligne / 2;
          return (
            <g key={o.nom}>
              <text
                x={gauche - 8}
                y={cy}
                textAnchor="end"
                dominantBaseline="middle"
                className="flux-graphique__etiquette"
              >
                {o.nom}
              </text>
              <rect
                x={x(o.solde.p10)}
                y={cy - 7}
                width={Math.max(2, x(o.solde.p90) - x(o.solde.p10))}
                height={14}
                fill={BLEU_CLAIR}
              />
              <rect x={x(o.solde.mediane) - 2} y={cy - 10} width={4} height={20} fill={BLEU} />
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
