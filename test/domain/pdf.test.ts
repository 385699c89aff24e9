/**
 * The PDF documents' common setup (src/reports/pdf.ts): the same content gives the same bytes
 * whenever it is written (no creation date but the epoch), with its title and author in the
 * metadata, in portrait or landscape A4.
 */
import { describe, expect, it } from 'vitest';
import { DESCRIPTION_TELLES_QUELLES } from '../../src/domain/options-comparees.ts';
import { ouvrirPdf } from '../../src/reports/pdf.ts';
import { optionsDuDocument } from '../../src/reports/simulation-pdf.ts';

async function ecrire(paysage: boolean): Promise<Buffer> {
  const { doc, terminer } = ouvrirPdf({ titre: 'Essai', marge: 40, paysage, compresser: false });
  doc.text('Bonjour');
  return terminer();
}

describe('ouvrirPdf', () => {
  it('le même contenu donne les mêmes octets, titre et auteur dans les métadonnées', async () => {
    const a = await ecrire(false);
    await new Promise((ok) => setTimeout(ok, 1100));
    const b = await ecrire(false);
    expect(a.subarray(0, 5).toString()).toBe('%PDF-');
    expect(b.equals(a)).toBe(true);
    const texte = a.toString('latin1');
    // The metadata's strings are objects of their own: `/Title 12 0 R` … `12 0 obj (Essai)`.
    const valeur = (cle: string) => {
      const ref = new RegExp(`/${cle} (\\d+) 0 R`).exec(texte)?.[1];
      return new RegExp(`^${ref} 0 obj\\n\\((.*)\\)`, 'm').exec(texte)?.[1];
    };
    expect([valeur('Title'), valeur('Author'), valeur('CreationDate')]).toEqual(['Essai', 'Flux', 'D:19700101000000Z']);
  });

  it('A4 portrait ou paysage', async () => {
    expect((await ecrire(false)).toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/);
    expect((await ecrire(true)).toString('latin1')).toMatch(/\/MediaBox \[0 0 841\.89 595\.28\]/);
  });
});

describe('optionsDuDocument (la page et la commande)', () => {
  const f = (mediane: number) => ({ p10: mediane - 1, mediane, p90: mediane + 1 });
  const ligne = (reservataire: string, nom: string) => ({
    reservataire,
    nom,
    misADisposition: f(4),
    bauxSignes: f(3),
    solde: f(-1),
    reportAnneeSuivante: f(0),
    probabiliteRetard: 0.25,
    cumulMensuel: [f(1), f(2)],
  });
  const option = {
    nom: 'décompte au bail',
    fluxAnnuel: f(40),
    lignes: [ligne('AL', 'Action Logement Services'), ligne('ETAT', 'Préfecture')],
    charge: [
      { examensCal: 2.5, dossiers: { AL: 1.25, ETAT: 2 } as Record<string, number> },
      { examensCal: 3, dossiers: { AL: 2 } as Record<string, number> },
    ],
  };

  it('nomme chaque ligne comme on le demande, somme ses dossiers et les examens en CAL de l’année', () => {
    const [page] = optionsDuDocument([{ ...option, description: 'au bail signé' }], (l) => l.nom);
    expect(page!.description).toBe('au bail signé');
    expect(page!.lignes.map((l) => [l.nom, l.dossiers])).toEqual([
      ['Action Logement Services', 3.3],
      ['Préfecture', 2],
    ]);
    expect(page!.examensCal).toBe(5.5);
    const [commande] = optionsDuDocument([option], (l) => l.reservataire);
    expect(commande!.lignes.map((l) => l.nom)).toEqual(['AL', 'ETAT']);
    expect(commande!.description).toBe(DESCRIPTION_TELLES_QUELLES);
    expect(commande!.lignes[0]).toMatchObject({ solde: f(-1), probabiliteRetard: 0.25, cumulMensuel: [f(1), f(2)] });
  });
});
