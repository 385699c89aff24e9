/**
 * The server's scheduled check (issue 6 items 4 and 7), one function for the interval and the
 * tests: the proposal deadlines (`verifierEcheances`: J-2 reminders, then `sans_candidat` « pour un
 * tour ») and the CAL offers left unanswered past their 10 days (`expirerOffresAu`: silence = refusal,
 * then the next ranked candidate or what follows), and the annual bilan's reminders to the bailleurs
 * (`rappelsBilan`, from 1 and 21 February), and the erasure of unsuccessful candidates' household
 * data after its dated delay (`anonymiserCandidatsNonRetenus`, ADR 0034). All read the day of `maintenant` in
 * Europe/Paris, write with no actor in the audit, and are idempotent: running twice changes nothing more.
 */
import type { Db } from '../db/client.ts';
import { expirerOffresAu } from './cal.ts';
import { verifierEcheances, type BilanVerification } from './echeances.ts';
import { rappelsBilan, type BilanRappels } from './emission-bilan.ts';
import { anonymiserCandidatsNonRetenus, type BilanAnonymisation } from './menages.ts';
import { oublierVersion } from './memo.ts';

export interface BilanVerificationPlanifiee {
  echeances: BilanVerification;
  /** Offers turned into refusals by silence by this run. */
  offres: { expirees: number; offres: string[] };
  /** The annual bilan's reminders to the bailleurs (from 1 and 21 February; issue 7). */
  bilans: BilanRappels;
  /** Unsuccessful candidates whose household data was erased by this run (docs/rgpd.md). */
  anonymisation: BilanAnonymisation;
}

export async function verificationPlanifiee(db: Db, maintenant: Date): Promise<BilanVerificationPlanifiee> {
  const echeances = await verifierEcheances(db, maintenant);
  const bilans = await rappelsBilan(db, maintenant);
  const offres = await db.transaction((tx) => expirerOffresAu(tx, null, maintenant));
  const anonymisation = await db.transaction((tx) => anonymiserCandidatsNonRetenus(tx, null, maintenant));
  // This instance's cached reads look at the data version again, as after a request's write.
  oublierVersion(db);
  return { echeances, offres, bilans, anonymisation };
}
