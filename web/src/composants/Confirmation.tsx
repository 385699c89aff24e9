/**
 * Confirmation before what cannot be undone (issue 12 item 5): a DSFR modal that says what will
 * happen, warns when something looks wrong (an empty bilan, a year not over), and says how a mistake
 * is corrected afterwards. The action runs only on « Confirmer ».
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button, type ButtonProps } from '@codegouvfr/react-dsfr/Button';
import { createModal } from '@codegouvfr/react-dsfr/Modal';
import { useId, useMemo, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

export interface ConfirmationProps {
  /** The button that opens the modal. */
  libelle: string;
  /** Title of the modal: the action, as a question (« Émettre le bilan 2026 ? »). */
  titre: string;
  /** What will happen, in plain French. */
  consequences: ReactNode;
  /** Warnings shown in red above the buttons (empty bilan, year not over…). */
  avertissements?: readonly string[];
  /** How to undo or correct it afterwards, with the reason when it cannot be undone. */
  correction?: ReactNode;
  /** The confirm button's label (default « Confirmer »). */
  confirmer?: string;
  surConfirmation: () => void;
  disabled?: boolean;
  priority?: ButtonProps['priority'];
  size?: ButtonProps['size'];
  iconId?: ButtonProps['iconId'];
  /** Extra fields inside the modal (a date…), rendered before the consequences. */
  children?: ReactNode;
}

export function Confirmation({
  libelle,
  titre,
  consequences,
  avertissements = [],
  correction,
  confirmer = 'Confirmer',
  surConfirmation,
  disabled,
  priority,
  size,
  iconId,
  children,
}: ConfirmationProps) {
  const brut = useId();
  const modal = useMemo(
    () => createModal({ id: `confirmation-${brut.replace(/[^a-zA-Z0-9]/g, '')}`, isOpenedByDefault: false }),
    [brut],
  );
  const bouton = { disabled: disabled ?? false, ...(priority ? { priority } : {}), ...(size ? { size } : {}) };
  return (
    <>
      {iconId ? (
        <Button {...bouton} iconId={iconId} onClick={() => modal.open()}>
          {libelle}
        </Button>
      ) : (
        <Button {...bouton} onClick={() => modal.open()}>
          {libelle}
        </Button>
      )}
      {/* In the document's body: a button in a table cell must not give the modal its cell's layout. */}
      {createPortal(
        <modal.Component
          title={titre}
          titleAs="h2"
          buttons={[
            { children: 'Annuler', priority: 'secondary' },
            { children: confirmer, onClick: surConfirmation },
          ]}
        >
          {children}
          <div>{consequences}</div>
          {avertissements.map((a) => (
            <Alert key={a} small severity="warning" description={a} className="fr-mt-2w" />
          ))}
          {correction ? <p className="fr-text--sm fr-mt-2w fr-mb-0">{correction}</p> : null}
        </modal.Component>,
        document.body,
      )}
    </>
  );
}
