/**
 * A line chart drawn in SVG (no chart library): one curve per series over the twelve months of a
 * year, a legend, and an accessible name and description (role="img", <title>, <desc>) that give
 * every figure. The page always gives the same figures in a table under the chart (the chart is a
 * picture of the table, not a replacement for it). Series differ by colour and by dash pattern and
 * marker, never by colour alone.
 */
import { useId } from 'react';
import { decimal } from '../format.ts';

export const MOIS_COURTS = [
  'janv.',
  'févr.',
  'mars',
  'avr.',
  'mai',
  'juin',
  'juil.',
  'août',
  'sept.',
  'oct.',
  'nov.',
  'déc.',
];

export interface Courbe {
  id: string;
  libelle: string;
  /** Twelve values, January to December (null: not drawn, e.g. months to come). */
  valeurs: (number | null)[];
}

/** Colour, dash pattern and marker of each series, in order (DSFR tones, distinguishable without colour). */
const STYLES = [
  { couleur: '#000091', tirets: undefined, marque: 'rond' },
  { couleur: '#c9191e', tirets: '7 4', marque: 'carre' },
  { couleur: '#009081', tirets: '2 3', marque: 'losange' },
  { couleur: '#a558a0', tirets: '10 3 2 3', marque: 'rond' },
] as const;

function Marque({ x, y, forme, couleur }: { x: number; y: number; forme: string; couleur: string }) {
  if (forme === 'carre') return <rect x={x - 3.5} y={y - 3.5} width={7} height={7} fill={couleur} />;
  if (forme === 'losange')
    return <path d={`M ${x} ${y - 5} L ${x + 5} ${y} L ${x} ${y + 5} L ${x - 5} ${y} Z`} fill={couleur} />;
  return <circle cx={x} cy={y} r={3.5} fill={couleur} />;
}

/** A readable step for the vertical axis: 1, 2 or 5 × a power of ten, for about five lines. */
function pasAxe(max: number): number {
  const brut = max / 5;
  const p = 10 ** Math.floor(Math.log10(Math.max(brut, 1e-9)));
  for (const k of [1, 2, 5]) if (k * p >= brut) return k * p;
  return 10 * p;
}

/**
 * The curves of `series` over the months; `moisCourant` (1–12) draws the « aujourd’hui » line.
 * `titre` and `description` are the chart's accessible name and description.
 */
export function Courbes({
  titre,
  description,
  series,
  moisCourant = null,
}: {
  titre: string;
  description?: string;
  series: Courbe[];
  moisCourant?: number | null;
}) {
  const id = useId();
  const largeur = 720;
  const hauteur = 260;
  const gauche = 56;
  const droite = 16;
  const haut = 12;
  const bas = 34;
  const valeurs = series.flatMap((s) => s.valeurs.filter((v): v is number => v !== null));
  const min = Math.min(0, ...valeurs);
  const maxBrut = Math.max(1, ...valeurs);
  const pas = pasAxe(maxBrut - min);
  const max = Math.ceil(maxBrut / pas) * pas;
  const bas0 = Math.floor(min / pas) * pas;
  const x = (m: number) => gauche + (m * (largeur - gauche - droite)) / 11;
  const y = (v: number) => haut + ((max - v) * (hauteur - haut - bas)) / (max - bas0 || 1);
  const graduations: number[] = [];
  for (let v = bas0; v <= max + 1e-9; v += pas) graduations.push(Math.round(v * 1e6) / 1e6);
  const resume =
    description ??
    series
      .map(
        (s) =>
          `${s.libelle} : ${s.valeurs
            .map((v, m) => (v === null ? null : `${MOIS_COURTS[m]} ${decimal(v)}`))
            .filter(Boolean)
            .join(', ')}`,
      )
      .join(' ; ');
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
        <desc id={`${id}-desc`}>{resume}</desc>
        {graduations.map((v) => (
          <g key={v}>
            <line
              x1={gauche}
              x2={largeur - droite}
              y1={y(v)}
              y2={y(v)}
              stroke={v === 0 ? '#666666' : '#dddddd'}
              strokeWidth={1}
            />
            <text
              x={gauche - 6}
              y={y(v)}
              textAnchor="end"
              dominantBaseline="middle"
              className="flux-graphique__etiquette"
            >
              {decimal(v).replace(/,0$/, '')}
            </text>
          </g>
        ))}
        {MOIS_COURTS.map((m, i) => (
          <text key={m} x={x(i)} y={hauteur - bas + 18} textAnchor="middle" className="flux-graphique__etiquette">
            {m}
          </text>
        ))}
        {moisCourant !== null ? (
          <g>
            <line
              x1={x(moisCourant - 1)}
              x2={x(moisCourant - 1)}
              y1={haut}
              y2={hauteur - bas}
              stroke="#666666"
              strokeDasharray="3 3"
            />
            <text x={x(moisCourant - 1) - 4} y={haut + 10} textAnchor="end" className="flux-graphique__etiquette">
              mois en cours
            </text>
          </g>
        ) : null}
        {series.map((s, k) => {
          const st = STYLES[k % STYLES.length]!;
          const points = s.valeurs
            .map((v, m) => (v === null ? null : ([x(m), y(v)] as const)))
            .filter((p): p is readonly [number, number] => p !== null);
          return (
            <g key={s.id}>
              <polyline
                points={points.map((p) => p.join(',')).join(' ')}
                fill="none"
                stroke={st.couleur}
                strokeWidth={2.5}
                strokeDasharray={st.tirets}
              />
              {points.map(([px, py], i) => (
                <Marque key={i} x={px} y={py} forme={st.marque} couleur={st.couleur} />
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="flux-legende" aria-label="Légende">
          {series.map((s, k) => {
            const st = STYLES[k % STYLES.length]!;
            return (
              <li key={s.id}>
                <svg
                  width="34"
                  height="12"
                  aria-hidden="true"
                  style={{ marginRight: '0.4rem', verticalAlign: '-0.1rem' }}
                >
                  <line
                    x1="1"
                    x2="33"
                    y1="6"
                    y2="6"
                    stroke={st.couleur}
                    strokeWidth={2.5}
                    strokeDasharray={st.tirets}
                  />
                  <Marque x={17} y={6} forme={st.marque} couleur={st.couleur} />
                </svg>
                {s.libelle}
              </li>
            );
          })}
        </ul>
      </figcaption>
    </figure>
  );
}
