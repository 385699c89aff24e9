/**
 * The PDF documents' common setup (src/reports/pdf.ts): the same content gives the same bytes
 * whenever it is written (no creation date but the epoch), with its title and author in the
 * metadata, in portrait or landscape A4.
 */
import { describe, expect, it } from 'vitest';
import { ouvrirPdf } from '../../src/reports/pdf.ts';

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
