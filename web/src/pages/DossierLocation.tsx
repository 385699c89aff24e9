/**
 * The letting page (issue 12, `/locations/:id`): one letting's whole story on one page — the unit
 * (RPLS number, address, internal id), its orientation and deadline, the recommendation and its
 * explanation, candidates, CAL, offers, lease, photos and plans, a timeline (what, when, who, why)
 * — and the actions possible now, through the existing components (recommendation decision,
 * candidates' proposal, photos and plans, late correction).
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { lireDossier, type DossierLocationApi } from '../api.ts';
import { CorrectionLocation, transitionsOffertes } from '../composants/CorrectionLocation.tsx';
import { EtatRequete } from '../composants/Etats.tsx';
import { Commune } from '../composants/Listes.tsx';
import { Page } from '../composants/Page.tsx';
import { PiecesLocation } from '../composants/PiecesLocation.tsx';
import { libelleMenage, Priorites } from '../composants/Priorites.tsx';
import { PanneauRecommandation } from '../composants/Recommandation.tsx';
import { Tableau } from '../composants/Tableau.tsx';
import { date, decimal } from '../format.ts';
import { EXCLUSIONS, HORS_FLUX } from '../roles.ts';
import { useSessionOuverte } from '../session.tsx';
import { FormulaireCandidats } from './Boite.tsx';
import { Echeance, EtatLocation, VerrouAnnee } from './Locations.tsx';
import { cles } from '../cles.ts';

const REPONSES: Record<string, string> = {
  acceptee: 'Acceptée',
  refusee: 'Refusée',
  silence: 'Sans réponse (vaut refus)',
};

const DECISIONS_ORIENTATION: Record<string, string> = {
  confirmee: 'recommandation confirmée',
  forcee: 'orientation décidée autrement',
  pool: 'plusieurs réservataires à la fois',
};

/** « 07/12/2026 à 14:05 » (Europe/Paris). */
function instant(iso: string): string {
  const d = new Date(iso);
  const jour = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short' }).format(d);
  const heure = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', timeStyle: 'short' }).format(d);
  return `${jour} à ${heure}`;
}

function Section({ titre, children }: { titre: string; children: ReactNode }) {
  return (
    <section className="fr-mb-5w" aria-label={titre}>
      <h2 className="fr-h4">{titre}</h2>
      {children}
    </section>
  );
}

function Fiche({ lignes }: { lignes: [string, ReactNode][] }) {
  return (
    <dl className="flux-fiche">
      {lignes.map(([terme, valeur]) => (
        <div key={terme}>
          <dt>{terme}</dt>
          <dd>{valeur}</dd>
        </div>
      ))}
    </dl>
  );
}

function Contenu({ d }: { d: DossierLocationApi }) {
  const session = useSessionOuverte();
  const l = d.location;
  const [corriger, setCorriger] = useState(false);
  const [corrigee, setCorrigee] = useState<string | null>(null);
  const annonce = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (corrigee) annonce.current?.focus();
  }, [corrigee]);
  const u = d.logement;
  const element = d.actions.proposer ? d.boite : null;

  return (
    <>
      <p className="fr-text--lead fr-mb-2w">
        RPLS n° {u.rpls}
        {u.adresse ? ` · ${u.adresse}` : ''} · {u.nomCommune} <span className="flux-indice">(INSEE {u.commune})</span>
      </p>
      <p className="fr-mb-4w">
        <EtatLocation etat={l.etat} /> <VerrouAnnee l={l} />
      </p>
      {corrigee ? (
        <div ref={annonce} tabIndex={-1} className="fr-mb-3w">
          <Alert small severity="success" description={corrigee} closable onClose={() => setCorrigee(null)} />
        </div>
      ) : null}

      <Section titre="Le logement et sa location">
        <Fiche
          lignes={[
            ['Logement', `${u.id} (RPLS n° ${u.rpls})`],
            ['Adresse', u.adresse ?? 'non renseignée dans le fichier RPLS'],
            ['Commune', <Commune key="c" nom={u.nomCommune} code={u.commune} />],
            [
              'Caractéristiques',
              `${u.typologie}, ${u.financement}, construit en ${u.construction}${u.surface ? `, ${decimal(u.surface)} m²` : ''}${u.loyer ? `, loyer ${decimal(u.loyer)} €` : ''}, ${u.qpv ? `en QPV (${u.qpv})` : 'hors QPV'}`,
            ],
            ['Bailleur', d.bailleur.nom],
            ['Libération', date(l.dateLiberation)],
            [
              'Orientation',
              l.exclusion
                ? `Hors du flux : ${EXCLUSIONS[l.exclusion] ?? HORS_FLUX[l.exclusion] ?? l.exclusion} (sur aucune ligne ; le bailleur désigne les candidats)`
                : d.orientation
                  ? `${d.orientation}${d.delai ? ` — ${DECISIONS_ORIENTATION[d.delai.decision] ?? ''} le ${date(d.delai.orienteeLe)}` : ' — à décider par le bailleur'}`
                  : 'à orienter',
            ],
            ...(l.motif ? ([['Motif', l.motif]] as [string, ReactNode][]) : []),
            ...(d.delai?.echeance
              ? ([['Délai de proposition', <Echeance key="e" echeance={d.delai.echeance} etat={l.etat} />]] as [
                  string,
                  ReactNode,
                ][])
              : []),
          ]}
        />
      </Section>

      <Section titre="Ce que vous pouvez faire maintenant">
        {d.actions.recommandation ? (
          <PanneauRecommandation
            id={l.id}
            peutDecider={session.role === 'agent_bailleur'}
            fermer={() => document.getElementById('chronologie')?.focus()}
          />
        ) : null}
        {element ? <FormulaireCandidats e={element} /> : null}
        {d.boite && !d.boite.peutProposer && d.boite.gestion === 'deleguee' && session.role !== 'agent_bailleur' ? (
          <p>Gestion déléguée : le bailleur désigne les candidats pour votre compte.</p>
        ) : null}
        {d.actions.corriger && transitionsOffertes(l.etat).length > 0 ? (
          corriger ? (
            <CorrectionLocation
              key={`${l.id}|${l.version}`}
              l={l}
              fermer={() => setCorriger(false)}
              reussi={(message) => {
                setCorriger(false);
                setCorrigee(message);
              }}
            />
          ) : (
            <Button type="button" priority="secondary" onClick={() => setCorriger(true)}>
              Corriger<span className="fr-sr-only"> la location du logement {l.logementId}</span>
            </Button>
          )
        ) : null}
        {l.etat === 'candidats' || l.etat === 'decision_cal' ? (
          <p>
            La suite se décide en commission : <Link to="/cal">inscrire le logement à une séance de la CAL</Link>, y
            enregistrer la décision, puis l’offre et le bail.
          </p>
        ) : null}
        {!d.actions.recommandation && !element && !d.actions.corriger && !d.actions.pieces ? (
          <p className="flux-indice">
            Rien à faire pour vous sur cette location pour le moment : la chronologie ci-dessous dit où elle en est.
          </p>
        ) : null}
      </Section>

      <Section titre="Candidats">
        {d.candidats.length === 0 ? (
          <p className="flux-indice">Aucun candidat proposé.</p>
        ) : (
          <Tableau
            legende="Candidats proposés"
            legendeMasquee
            colonnes={[
              { titre: 'Rang', valeur: (c) => String(c.rang), nombre: true },
              { titre: 'N° unique SNE', valeur: (c) => c.numeroSne, entete: true },
              { titre: 'Proposé par', valeur: (c) => c.reservataire ?? 'le bailleur' },
              { titre: 'Ménage', valeur: (c) => libelleMenage(c) },
              { titre: 'Priorités', valeur: (c) => <Priorites c={c} /> },
              { titre: 'Premier quartile', valeur: (c) => c.libelleQuartile1 },
            ]}
            lignes={d.candidats}
            cle={(c) => `${c.numeroSne}|${c.rang}`}
          />
        )}
      </Section>

      <Section titre="Commission d’attribution (CAL), offres et bail">
        {d.cal.length === 0 ? (
          <p className="flux-indice">Pas encore examiné en CAL.</p>
        ) : (
          <ul>
            {d.cal.map((c) => (
              <li key={c.sessionId}>
                <Link to={`/cal/${c.sessionId}`}>
                  Séance du {date(c.dateSession)}
                  {c.lieu ? ` (${c.lieu})` : ''}
                </Link>{' '}
                : {c.decision ?? 'décision à venir'}
                {c.classement.length > 0 ? ` — classement : ${c.classement.join(', ')}` : ''}
                {c.motif ? ` — ${c.motif}` : ''}
              </li>
            ))}
          </ul>
        )}
        {d.offres.length > 0 ? (
          <Tableau
            legende="Offres faites aux candidats classés"
            colonnes={[
              { titre: 'Rang', valeur: (o) => String(o.rang), nombre: true },
              { titre: 'N° unique SNE', valeur: (o) => o.numeroSne, entete: true },
              { titre: 'Offre du', valeur: (o) => date(o.dateOffre) },
              { titre: 'Réponse attendue avant le', valeur: (o) => date(o.echeance) },
              {
                titre: 'Réponse',
                valeur: (o) =>
                  o.reponse
                    ? `${REPONSES[o.reponse] ?? o.reponse}${o.dateReponse ? ` le ${date(o.dateReponse)}` : ''}`
                    : 'en attente',
              },
            ]}
            lignes={d.offres}
            cle={(o) => `${o.numeroSne}|${o.dateOffre}`}
          />
        ) : null}
        <p>{d.bail ? `Bail signé le ${date(d.bail.dateSignature)}.` : 'Pas de bail signé.'}</p>
      </Section>

      {d.actions.pieces ? (
        <Section titre="Photos et plans">
          <PiecesLocation locationId={l.id} logementId={l.logementId} />
        </Section>
      ) : null}

      <section className="fr-mb-5w" aria-labelledby="chronologie">
        <h2 className="fr-h4" id="chronologie" tabIndex={-1}>
          Chronologie
        </h2>
        <ol className="flux-chronologie">
          {d.chronologie.map((f, i) => (
            <li key={i}>
              <p className="fr-mb-0">
                <strong>{date(f.date)}</strong> — {f.quoi}
              </p>
              <p className="fr-text--sm fr-mb-0 flux-indice">
                {f.qui
                  ? `${f.qui}${f.enregistreLe ? `, enregistré le ${instant(f.enregistreLe)}` : ''}`
                  : 'Enregistré sans trace nominative (données reprises ou de démonstration)'}
              </p>
              {f.pourquoi ? <p className="fr-text--sm fr-mb-0">Motif : {f.pourquoi}</p> : null}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

export function DossierLocation() {
  const { id = '' } = useParams();
  const requete = useQuery({
    queryKey: cles.locations.dossier(id),
    queryFn: ({ signal }) => lireDossier(id, signal),
  });
  const titre = requete.data ? `Location du logement ${requete.data.logement.id}` : 'Location';
  return (
    <Page
      titre={titre}
      titreDocument={titre}
      sousTitre={
        <Breadcrumb
          currentPageLabel={titre}
          segments={[{ label: 'Locations', linkProps: { to: '/locations' } }]}
          className="fr-mt-0 fr-mb-2w"
        />
      }
    >
      <EtatRequete requete={requete} quoi="la location">
        {(d) => <Contenu d={d} />}
      </EtatRequete>
    </Page>
  );
}
