/**
 * What the work-queue lists share (issue 12): filters kept in the address (so that a link can
 * target them, and « Précédent » restores them), a unit named by its RPLS number, address and
 * internal id together, a commune by its name (code secondary), and the commune chooser.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Tag } from '@codegouvfr/react-dsfr/Tag';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { rechercherCommunes } from '../api.ts';
import { cles } from '../cles.ts';

/** Rows a list page asks for. */
export const PAR_PAGE = 50;

/** The filters of a list, read from the address; `changer` writes them back (and goes back to page 1). */
export function useFiltres<K extends string>(
  cles: readonly K[],
): {
  valeurs: Record<K, string>;
  changer: (nouvelles: Partial<Record<K, string>>) => void;
  actifs: number;
} {
  const [parametres, setParametres] = useSearchParams();
  const valeurs = Object.fromEntries(cles.map((k) => [k, parametres.get(k) ?? ''])) as Record<K, string>;
  const changer = (nouvelles: Partial<Record<K, string>>) => {
    const p = new URLSearchParams(parametres);
    p.delete('page');
    for (const [k, v] of Object.entries(nouvelles) as [K, string | undefined][]) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    setParametres(p);
  };
  return { valeurs, changer, actifs: cles.filter((k) => valeurs[k]).length };
}

/** « Orléans » with its INSEE code in small print. */
export function Commune({ nom, code }: { nom: string; code: string }) {
  return (
    <>
      {nom}
      {nom !== code ? <span className="flux-secondaire">INSEE {code}</span> : null}
    </>
  );
}

/** A unit's one name: RPLS number, address, internal id — as a link to its letting page when given. */
export function NomLogement({
  id,
  rpls,
  adresse,
  vers,
}: {
  id: string;
  rpls: string;
  adresse: string | null;
  vers?: string | undefined;
}) {
  const titre = `Logement ${id}`;
  return (
    <>
      {vers ? (
        <Link to={vers} className="fr-link">
          {titre}
        </Link>
      ) : (
        titre
      )}
      <span className="flux-secondaire">
        RPLS n° {rpls}
        {adresse ? ` · ${adresse}` : ''}
      </span>
    </>
  );
}

/** Waits `delai` ms after the last keystroke before passing the value on. */
export function useDiffere<T>(valeur: T, delai = 250): T {
  const [v, setV] = useState(valeur);
  useEffect(() => {
    const t = setTimeout(() => setV(valeur), delai);
    return () => clearTimeout(t);
  }, [valeur, delai]);
  return v;
}

/**
 * The commune filter: type a name (or a code), pick it from the suggestions; the list is then
 * filtered on its INSEE code. The chosen commune shows as a tag that removes the filter.
 */
export function FiltreCommune({
  code,
  nom,
  choisir,
}: {
  code: string;
  nom: string | undefined;
  choisir: (code: string) => void;
}) {
  const id = useId();
  const [saisie, setSaisie] = useState('');
  const differee = useDiffere(saisie.trim());
  const { data } = useQuery({
    queryKey: cles.communes(differee),
    queryFn: ({ signal }) => rechercherCommunes(differee, signal),
    enabled: differee.length >= 2,
    staleTime: 60 * 60_000,
  });
  const communes = data?.communes ?? [];
  const libelle = (c: { code: string; nom: string }) => `${c.nom} (${c.code})`;
  const valider = () => {
    // A code typed or a suggestion picked (« Orléans (45234) ») is enough.
    const code = /^(?:.*\()?(\d[\dAB]\d{3})\)?$/.exec(saisie.trim().toUpperCase())?.[1];
    if (code) {
      choisir(code);
      setSaisie('');
      return;
    }
    const trouvee =
      communes.find((c) => libelle(c) === saisie) ??
      communes.find((c) => c.nom.toLowerCase() === saisie.trim().toLowerCase() || c.code === saisie.trim());
    if (trouvee) {
      choisir(trouvee.code);
      setSaisie('');
    }
  };
  if (code)
    return (
      <div className="flux-filtre-actif">
        <span className="fr-label">Commune</span>
        <Tag
          dismissible
          nativeButtonProps={{
            onClick: () => choisir(''),
            'aria-label': `Retirer le filtre de commune ${nom ?? code}`,
          }}
        >
          {nom ? `${nom} (${code})` : code}
        </Tag>
      </div>
    );
  return (
    <div className="fr-input-group">
      <label className="fr-label" htmlFor={`${id}-commune`}>
        Commune
        <span className="fr-hint-text">Son nom ou son code INSEE</span>
      </label>
      <input
        className="fr-input"
        id={`${id}-commune`}
        list={`${id}-communes`}
        value={saisie}
        onChange={(e) => {
          setSaisie(e.target.value);
          const c = communes.find((x) => libelle(x) === e.target.value);
          if (c) {
            choisir(c.code);
            setSaisie('');
          }
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            valider();
          }
        }}
        autoComplete="off"
      />
      <datalist id={`${id}-communes`}>
        {communes.map((c) => (
          <option key={c.code} value={libelle(c)} />
        ))}
      </datalist>
    </div>
  );
}

/** « Effacer les filtres » when some are set. */
export function EffacerFiltres({ actifs, effacer }: { actifs: number; effacer: () => void }): ReactNode {
  if (actifs === 0) return null;
  return (
    <Button type="button" priority="tertiary" iconId="fr-icon-close-line" onClick={effacer}>
      Effacer les filtres
    </Button>
  );
}
