/** The year chooser of a page's filters (DSFR select), the years given newest first. */
import { Select } from '@codegouvfr/react-dsfr/Select';

export function SelectAnnee({
  id,
  label,
  annees,
  valeur,
  surChoix,
  name,
  libelle = String,
}: {
  id: string;
  label: string;
  annees: readonly number[];
  valeur: string;
  surChoix: (annee: string) => void;
  name?: string;
  /** The option's text (default: the year). */
  libelle?: (annee: number) => string;
}) {
  return (
    <Select
      label={label}
      nativeSelectProps={{ id, ...(name ? { name } : {}), value: valeur, onChange: (e) => surChoix(e.target.value) }}
    >
      {annees.map((a) => (
        <option key={a} value={a}>
          {libelle(a)}
        </option>
      ))}
    </Select>
  );
}
