/**
 * The server's scheduled check (issue 6 items 4 and 7), one function for the interval and the
 * tests: the proposal deadlines (`verifierEcheances`: J-2 reminders, then `sans_candidat` « pour un
 * tour ») and the CAL offers left unanswered past their 10 days (`expirerOffresAu`: silence = refusal,
 * then the next ranked candidate or what follows). Both read the day of `maintenant` in
 * Europe/Paris, write with no actor in the audit, and are idempotent: running twice changes nothing more.
 */
import type { Db } from '../db/client.ts';
import { expirerOffresAu } from './cal.ts';
import { verifierEcheances, type BilanVerification } from './echeances.ts';
import { oublierVersion } from './memo.ts';

export interface BilanVerificationPlanifiee {
  echeances: BilanVerification;
  /** Offers turned into refusals by silence by this run. */
  offres: { expirees: number; offres: string[] };
}

export async function verificationPlanifiee(db: Db, maintenant: Date): Promise<BilanVerificationPlanifiee> {
  const echeances = await verifierEcheances(db, maintenant);
  const offres = await db.transaction((tx) => expirerOffresAu(tx, null, maintenant));
  // This instance's cached reads look at the data version again, as after a request's write.
  oublierVersion(db);
  return { echeances, offres };
}
