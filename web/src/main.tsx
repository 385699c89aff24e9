/** Entry point: starts the DSFR, the query cache and the router, then renders the application. */
import { startReactDsfr } from '@codegouvfr/react-dsfr/spa';
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Link, RouterProvider } from 'react-router';
import { ErreurApi } from './api.ts';
import { routeur } from './routes.tsx';
import { cles } from './cles.ts';
import './styles.css';

startReactDsfr({ defaultColorScheme: 'system', Link });

declare module '@codegouvfr/react-dsfr/spa' {
  interface RegisterLink {
    Link: typeof Link;
  }
}

const client: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    // A 401 on any call means the session ended (expired, or signed out elsewhere): forget it,
    // and the protected pages send the user back to the sign-in form.
    onError: (erreur) => {
      if (erreur instanceof ErreurApi && erreur.statut === 401) client.setQueryData(cles.session(), null);
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (echecs, erreur) =>
        !(erreur instanceof ErreurApi && erreur.statut >= 400 && erreur.statut < 500) && echecs < 2,
    },
  },
});

const racine = document.getElementById('racine');
if (!racine) throw new Error('élément #racine absent de index.html');

createRoot(racine).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <RouterProvider router={routeur} />
    </QueryClientProvider>
  </StrictMode>,
);
