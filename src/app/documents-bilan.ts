/**
 * The status of a bilan document (src/reports/statut-document.ts): the live figures are the issued
 * version when they have its fingerprint (for a réservataire: the same lines as its view of that
 * version), else « provisoire ».
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { emissionsBilan } from '../db/schema.ts';
import { bilanDuReservataire, type BilanAnnuel } from '../domain/bilan.ts';
import type { StatutDocument } from '../reports/statut-document.ts';
import { jourParis } from '../domain/calendrier.ts';
import { empreinteBilan } from './emission-bilan.ts';
import type { Acteur } from './roles.ts';

export async function statutBilan(tx: Tx, acteur: Acteur, b: BilanAnnuel): Promise<StatutDocument> {
  const [derniere] = await tx
    .select({ version: emissionsBilan.version, emisLe: emissionsBilan.emisLe, contenu: emissionsBilan.contenu })
    .from(emissionsBilan)
    .where(
      and(
        eq(emissionsBilan.bailleurId, b.bailleur.id),
        eq(emissionsBilan.departement, b.departement),
        eq(emissionsBilan.annee, b.annee),
      ),
    )
    .orderBy(desc(emissionsBilan.version))
    .limit(1);
  if (!derniere) return { etat: 'provisoire', derniere: null };
  const emise =
    acteur.role === 'agent_reservataire'
      ? bilanDuReservataire(derniere.contenu as BilanAnnuel, acteur.organisationId)
      : (derniere.contenu as BilanAnnuel);
  const empreinte = empreinteBilan(emise);
  const emisLe = jourParis(derniere.emisLe);
  return empreinte === empreinteBilan(b)
    ? { etat: 'emis', version: derniere.version, emisLe, empreinte }
    : { etat: 'provisoire', derniere: { version: derniere.version, emisLe } };
}
