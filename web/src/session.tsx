/** The signed-in session: one cached query (`GET /api/session`), shared by every page. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, use } from 'react';
import { lireSession, seConnecter, seDeconnecter, type SessionApi } from './api.ts';
import { cles } from './cles.ts';

/** The session, or null when nobody is signed in. */
export function useSession() {
  return useQuery({ queryKey: cles.session(), queryFn: ({ signal }) => lireSession(signal), staleTime: 5 * 60_000 });
}

export function useConnexion() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (v: { email: string; motDePasse: string }) => seConnecter(v.email, v.motDePasse),
    onSuccess: (session) => {
      // Another user may have used this browser: drop whatever the previous session loaded.
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== cles.session()[0] });
      client.setQueryData(cles.session(), session);
    },
  });
}

export function useDeconnexion() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: seDeconnecter,
    onSettled: () => {
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== cles.session()[0] });
      client.setQueryData(cles.session(), null);
    },
  });
}

/** The session inside the protected pages (the guard has checked that someone is signed in). */
export const ContexteSession = createContext<SessionApi | null>(null);

export function useSessionOuverte(): SessionApi {
  const s = use(ContexteSession);
  if (!s) throw new Error('useSessionOuverte hors d’une page protégée');
  return s;
}
