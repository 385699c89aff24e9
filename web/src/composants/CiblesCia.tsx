/**
 * « Objectifs de la CIA » (ADR 0038, GET/POST /api/cibles-cia): for one EPCI, whether the allocation
 * reform binds it and why, the targets the year's objectives are measured against (the CIA's or
 * the law's), every version entered; and for the EPCI itself, the form to enter a new version,
 * confirmed before it is saved (a version is never changed afterwards: a later one replaces it).
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { enregistrerCiblesCia, ErreurApi, lireCiblesCia, type CiblesCiaApi } from '../api.ts';
import { cles } from '../cles.ts';
import { aujourdhuiParis, date, taux } from '../format.ts';
import { Chargement, ErreurChargement, messageErreur } from './Etats.tsx';
import { Confirmation } from './Confirmation.tsx';
import { Tableau } from './Tableau.tsx';

/** « 30 », « 30,5 », « 30 % » → 0.3 / 0.305; empty → null (the law's target); anything else → NaN. */
export function lirePourcentage(texte: string): number | null {
  const t = texte.replace(/[\s\u00a0\u202f%]/g, '').replace(',', '.');
  if (t === '') return null;
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(t)) return Number.NaN;
  return Math.round(Number(t) * 100) / 10_000;
}

const enPourcentage = (p: number | null): string =>
  p === null ? '' : String(Math.round(p * 10_000) / 100).replace('.', ',');

export function CiblesCia({ epci, annee }: { epci: string | null; annee: number }) {
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.ciblesCia(epci),
    queryFn: ({ signal }) => lireCiblesCia({ epci: epci ?? undefined, annee }, signal),
  });
  return (
    <section aria-labelledby="cibles-cia" className="fr-mb-6w">
      <h2 id="cibles-cia" className="fr-h3 fr-mt-4w">
        Objectifs de la CIA{data ? ` — ${data.nom}` : ''}
      </h2>
      {isPending ? (
        <Chargement quoi="les objectifs de la CIA" />
      ) : error ? (
        <ErreurChargement erreur={error} quoi="les objectifs de la CIA" reessayer={() => void refetch()} />
      ) : (
        <Contenu data={data} />
      )}
    </section>
  );
}

function Contenu({ data }: { data: CiblesCiaApi }) {
  const v = data.enVigueur;
  return (
    <>
      <p>
        <Badge as="span" small severity={data.reforme.soumis ? 'info' : 'new'}>
          {data.reforme.soumis ? 'Soumis à la réforme des attributions' : 'Non soumis à la réforme'}
        </Badge>{' '}
        {data.reforme.explication}
      </p>
      <p className="fr-text--xs">Source : {data.reforme.source}</p>
      <p>
        {v.origine === 'cia'
          ? `Objectifs ${data.annee} fixés par la CIA (${v.referenceCia ?? ''}, adoptée le ${v.adopteeLe ? date(v.adopteeLe) : ''}, applicables depuis le ${v.applicableDu ? date(v.applicableDu) : ''}) : `
          : `Aucune CIA saisie pour ${data.annee} : les objectifs de la loi s’appliquent — ${data.legales.source} : `}
        <strong>{taux(v.quartile1HorsQpv)}</strong> des baux hors QPV au premier quartile ou à des ménages relogés
        ANRU/ORCOD, <strong>{taux(v.nonQuartile1EnQpv)}</strong> des baux en QPV à des ménages hors premier quartile.
      </p>
      {data.versions.length ? (
        <Tableau
          id="tableau-versions-cia"
          legende={`Versions des objectifs de la CIA ${/^[AEIOUYÉÈÂÎ]/i.test(data.nom) ? 'd’' : 'de '}${data.nom}`}
          compact
          lignes={data.versions}
          cle={(x) => String(x.version)}
          colonnes={[
            { titre: 'Version', valeur: (x) => x.version, nombre: true, entete: true },
            {
              titre: 'Hors QPV',
              valeur: (x) => (x.quartile1HorsQpv === null ? 'loi' : taux(x.quartile1HorsQpv)),
              nombre: true,
            },
            {
              titre: 'En QPV',
              valeur: (x) => (x.nonQuartile1EnQpv === null ? 'loi' : taux(x.nonQuartile1EnQpv)),
              nombre: true,
            },
            { titre: 'Applicable depuis le', valeur: (x) => date(x.applicableDu) },
            { titre: 'CIA', valeur: (x) => `${x.referenceCia}, adoptée le ${date(x.adopteeLe)}` },
            { titre: 'Saisie', valeur: (x) => `${x.saisiPar}, le ${date(x.saisiLe.slice(0, 10))}` },
          ]}
        />
      ) : null}
      {data.modifiable ? <Saisie data={data} /> : null}
    </>
  );
}

function Saisie({ data }: { data: CiblesCiaApi }) {
  const client = useQueryClient();
  const derniere = data.versions[0];
  const [valeurs, setValeurs] = useState(() => ({
    quartile1HorsQpv: enPourcentage(derniere?.quartile1HorsQpv ?? data.legales.quartile1HorsQpv),
    nonQuartile1EnQpv: enPourcentage(derniere?.nonQuartile1EnQpv ?? data.legales.nonQuartile1EnQpv),
    applicableDu: derniere?.applicableDu ?? `${data.annee}-01-01`,
    adopteeLe: derniere?.adopteeLe ?? '',
    referenceCia: derniere?.referenceCia ?? '',
  }));
  const q1 = lirePourcentage(valeurs.quartile1HorsQpv);
  const qpv = lirePourcentage(valeurs.nonQuartile1EnQpv);
  const local: Record<string, string> = {};
  if (Number.isNaN(q1) || (q1 !== null && (q1 <= 0 || q1 > 1)))
    local.quartile1HorsQpv = 'Un pourcentage entre 1 et 100 (par exemple 30), ou vide pour celui de la loi.';
  if (Number.isNaN(qpv) || (qpv !== null && (qpv <= 0 || qpv > 1)))
    local.nonQuartile1EnQpv = 'Un pourcentage entre 1 et 100 (par exemple 50), ou vide pour celui de la loi.';
  if (!valeurs.adopteeLe) local.adopteeLe = 'Indiquez la date d’adoption de la CIA.';
  if (!valeurs.applicableDu) local.applicableDu = 'Indiquez la date à partir de laquelle les objectifs s’appliquent.';
  if (valeurs.referenceCia.trim().length < 3)
    local.referenceCia = 'Indiquez la référence de la CIA (délibération, date de signature…).';
  const [touches, setTouches] = useState<ReadonlySet<string>>(new Set());
  const envoi = useMutation({
    mutationFn: () =>
      enregistrerCiblesCia({
        quartile1HorsQpv: q1,
        nonQuartile1EnQpv: qpv,
        applicableDu: valeurs.applicableDu,
        adopteeLe: valeurs.adopteeLe,
        referenceCia: valeurs.referenceCia.trim(),
        versionAttendue: derniere?.version ?? 0,
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: cles.objectifs() }),
  });
  const probleme = (champ: string): string | undefined =>
    (touches.has(champ) ? local[champ] : undefined) ??
    (envoi.error instanceof ErreurApi ? envoi.error.probleme(champ) : undefined);
  const champ = (nom: keyof typeof valeurs, libelle: string, hint: string, type: 'text' | 'date' = 'text') => (
    <Input
      label={libelle}
      hintText={hint}
      state={probleme(nom) ? 'error' : 'default'}
      stateRelatedMessage={probleme(nom)}
      nativeInputProps={{
        id: `cia-${nom}`,
        type,
        ...(type === 'text' && nom !== 'referenceCia' ? { inputMode: 'decimal' as const } : {}),
        ...(nom === 'adopteeLe' ? { max: aujourdhuiParis() } : {}),
        value: valeurs[nom],
        onChange: (e) => setValeurs({ ...valeurs, [nom]: e.target.value }),
        onBlur: () => setTouches(new Set([...touches, nom])),
      }}
    />
  );
  const avertissements = [
    ...(q1 !== null && !Number.isNaN(q1) && q1 < data.legales.quartile1HorsQpv
      ? [
          `L’objectif hors QPV (${taux(q1)}) est inférieur à celui de la loi (${taux(data.legales.quartile1HorsQpv)}) : vérifiez que la CIA l’adapte bien (CCH L.441-1).`,
        ]
      : []),
    ...(q1 === null || qpv === null ? ['Un objectif laissé vide reste celui de la loi.'] : []),
  ];
  return (
    <form
      aria-label="Saisir les objectifs de la CIA"
      noValidate
      onSubmit={(e) => e.preventDefault()}
      className="fr-mt-4w"
    >
      <h3 className="fr-h5">Saisir une nouvelle version</h3>
      <p className="fr-text--sm">
        Votre EPCI est le seul à saisir les objectifs de sa CIA. Chaque saisie est une nouvelle version, datée et
        conservée : les objectifs, les tableaux de bord et les bilans de tous les bailleurs de votre territoire se
        mesurent à la version applicable.
      </p>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-6">
          {champ(
            'quartile1HorsQpv',
            'Hors QPV : part des baux au premier quartile ou relogés ANRU/ORCOD (%)',
            'loi : 25 %',
          )}
        </div>
        <div className="fr-col-12 fr-col-md-6">
          {champ(
            'nonQuartile1EnQpv',
            'En QPV : part des baux hors premier quartile (%)',
            'loi : 50 % à défaut de la CIL',
          )}
        </div>
        <div className="fr-col-12 fr-col-md-6">
          {champ('adopteeLe', 'CIA adoptée le', 'date de la délibération ou de la signature', 'date')}
        </div>
        <div className="fr-col-12 fr-col-md-6">
          {champ('applicableDu', 'Applicable aux baux signés à partir du', 'par exemple le 1er janvier', 'date')}
        </div>
      </div>
      {champ('referenceCia', 'Référence de la CIA', 'délibération, numéro, date de signature')}
      {Object.keys(local).length ? (
        <Alert
          severity="info"
          small
          className="fr-mb-2w"
          title="Avant d’enregistrer"
          description={
            <ul className="fr-mb-0">
              {Object.entries(local).map(([k, m]) => (
                <li key={k}>{m}</li>
              ))}
            </ul>
          }
        />
      ) : null}
      <div>
        <Confirmation
          libelle="Enregistrer les objectifs de la CIA"
          titre="Enregistrer ces objectifs de la CIA ?"
          disabled={envoi.isPending || Object.keys(local).length > 0}
          consequences={
            <p>
              {`Hors QPV : ${q1 === null || Number.isNaN(q1) ? 'objectif de la loi' : taux(q1)} ; en QPV : ${qpv === null || Number.isNaN(qpv) ? 'objectif de la loi' : taux(qpv)} ; applicables aux baux signés à partir du ${valeurs.applicableDu ? date(valeurs.applicableDu) : '—'}. Les objectifs de tous les bailleurs de votre territoire seront recalculés.`}
            </p>
          }
          avertissements={avertissements}
          correction="Une version enregistrée n’est plus modifiée : pour la corriger, saisissez une nouvelle version."
          surConfirmation={() => envoi.mutate()}
        />
      </div>
      <div aria-live="polite">
        {envoi.isSuccess ? (
          <Alert
            severity="success"
            small
            description={`Objectifs de la CIA enregistrés (version ${envoi.data.version}).`}
            className="fr-mt-2w"
          />
        ) : null}
        {envoi.error ? (
          <Alert severity="error" small description={messageErreur(envoi.error)} className="fr-mt-2w" />
        ) : null}
      </div>
    </form>
  );
}
