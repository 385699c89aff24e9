/**
 * Every page starts with <Page titre=…>: it sets the document's title ("… — Flux"), renders the
 * page's single <h1>, and after a navigation moves the keyboard focus to that heading so that
 * screen readers announce the new page (RGAA 12.x: the focus is not lost at the top of the page).
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { useLocation } from 'react-router';

export function Page({
  titre,
  titreDocument,
  sousTitre,
  children,
}: {
  titre: ReactNode;
  titreDocument: string;
  sousTitre?: ReactNode;
  children?: ReactNode;
}) {
  const h1 = useRef<HTMLHeadingElement>(null);
  const { key } = useLocation();

  useEffect(() => {
    document.title = `${titreDocument} — Flux`;
  }, [titreDocument]);

  // The page the browser opened ("default" location) keeps the usual start: Tab reaches the skip links.
  useEffect(() => {
    if (key !== 'default') h1.current?.focus();
  }, [key]);

  return (
    <>
      <h1 ref={h1} tabIndex={-1} className="flux-titre-page">
        {titre}
      </h1>
      {sousTitre}
      {children}
    </>
  );
}
