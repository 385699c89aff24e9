/**
 * A small streaming CSV reader for RPLS files (no dependency): bytes in, records out, chunk by
 * chunk, so that a regional file of tens of megabytes never sits in memory as one string.
 *
 * - Separator `;` or `,`, detected on the header line (the one that occurs more, outside quotes;
 *   `;` on a tie).
 * - Quoted fields (`"…"`) may hold separators, line breaks and doubled quotes (`""`); a quote in
 *   the middle of an unquoted field is kept as a character; text after a closing quote is kept too.
 * - Line breaks: CRLF, LF or a lone CR.
 * - Encoding: UTF-8 (a BOM is dropped) or, when the bytes are not valid UTF-8, Windows-1252 (the
 *   Latin-1 of French spreadsheets; WHATWG's "latin1"). Invalid UTF-8 is reported by throwing
 *   `Utf8Invalide`: the caller reads the file again as Windows-1252 (`lireTout` does).
 * - Control characters in a cell (NUL, DEL and the other C0 characters but tab, LF and CR) are
 *   dropped.
 * - Each record carries the number of the physical line it starts on (the header is line 1).
 *   Blank lines are skipped. A quoted field still open at the end of the input (a truncated file)
 *   yields its record with `guillemetNonFerme`.
 */

export type Separateur = ';' | ',';
export type Encodage = 'utf-8' | 'windows-1252';

export interface Enregistrement {
  /** Physical line (1-based) where the record starts. */
  ligne: number;
  champs: string[];
  /** The input ended inside a quoted field: the last field is cut. */
  guillemetNonFerme: boolean;
}

/** The bytes are not valid UTF-8: read them again as Windows-1252. */
export class Utf8Invalide extends Error {
  constructor() {
    super('octets invalides en UTF-8');
    this.name = 'Utf8Invalide';
  }
}

/** Control characters dropped from cells (tab, LF and CR aside). */
// eslint-disable-next-line no-control-regex -- control characters are what is dropped
const CONTROLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- control characters are what is dropped
const CONTROLES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

const GUILLEMET = 34;
const LF = 10;
const CR = 13;

/** The separator of a header line: `;` or `,`, whichever occurs more outside quotes (`;` on a tie). */
export function detecterSeparateur(ligne: string): Separateur {
  let pointsVirgules = 0;
  let virgules = 0;
  let guillemets = false;
  for (let i = 0; i < ligne.length; i++) {
    const c = ligne.charCodeAt(i);
    if (c === GUILLEMET) guillemets = !guillemets;
    else if (!guillemets && c === 59) pointsVirgules++;
    else if (!guillemets && c === 44) virgules++;
  }
  return virgules > pointsVirgules ? ',' : ';';
}

/** Splits decoded text into records; text may arrive in pieces cut anywhere. */
export class DecoupeurCsv {
  private readonly sep: number;
  private champs: string[] = [];
  private champ = '';
  /** 0: outside quotes; 1: inside quotes; 2: a quote seen inside quotes (closing, or the first of `""`). */
  private etat: 0 | 1 | 2 = 0;
  /** Nothing read yet in the current field (a quote here opens a quoted field). */
  private debut = true;
  /** The previous piece ended with CR: a LF starting the next piece belongs to the same line break. */
  private crEnAttente = false;
  private ligne = 1;
  private ligneDebut = 1;

  constructor(separateur: Separateur) {
    this.sep = separateur.charCodeAt(0);
  }

  /** Reads a piece of text; records it completes are appended to `sortie`. */
  pousser(texte: string, sortie: Enregistrement[]): void {
    const n = texte.length;
    let i = 0;
    if (this.crEnAttente && n > 0) {
      this.crEnAttente = false;
      if (texte.charCodeAt(0) === LF) i = 1;
    }
    while (i < n) {
      if (this.etat === 1) {
        const j = texte.indexOf('"', i);
        const fin = j < 0 ? n : j;
        const morceau = texte.slice(i, fin);
        this.champ += morceau;
        for (let k = morceau.indexOf('\n'); k >= 0; k = morceau.indexOf('\n', k + 1)) this.ligne++;
        if (j < 0) return;
        this.etat = 2;
        i = j + 1;
        continue;
      }
      if (this.etat === 2) {
        if (texte.charCodeAt(i) === GUILLEMET) {
          this.champ += '"';
          this.etat = 1;
          i++;
          continue;
        }
        this.etat = 0;
      }
      // Outside quotes: scan to the next separator or line break.
      let j = i;
      let c = 0;
      while (j < n) {
        c = texte.charCodeAt(j);
        if (c === this.sep || c === LF || c === CR) break;
        if (c === GUILLEMET && this.debut && j === i) break;
        this.debut = false;
        j++;
      }
      if (j > i) this.champ += texte.slice(i, j);
      if (j >= n) return;
      if (c === GUILLEMET) {
        this.etat = 1;
        this.debut = false;
        i = j + 1;
        continue;
      }
      this.champs.push(this.champ);
      this.champ = '';
      this.debut = true;
      i = j + 1;
      if (c === this.sep) continue;
      // Line break: the record ends.
      this.emettre(sortie);
      this.ligne++;
      this.ligneDebut = this.ligne;
      if (c === CR) {
        if (i < n) {
          if (texte.charCodeAt(i) === LF) i++;
        } else this.crEnAttente = true;
      }
    }
  }

  /** The input is over: emits the last record, if any. */
  terminer(sortie: Enregistrement[]): void {
    const ouvert = this.etat === 1;
    if (ouvert || this.champs.length > 0 || this.champ !== '' || !this.debut) {
      this.champs.push(this.champ);
      this.champ = '';
      this.emettre(sortie, ouvert);
    }
    this.etat = 0;
    this.debut = true;
  }

  private emettre(sortie: Enregistrement[], guillemetNonFerme = false): void {
    const champs = this.champs;
    this.champs = [];
    // Control characters (NUL and the like, never typed in a cell) are dropped: PostgreSQL cannot
    // store NUL, and a spreadsheet shows none of them. Tabs and line breaks inside quotes are kept.
    for (let i = 0; i < champs.length; i++)
      if (CONTROLE.test(champs[i]!)) champs[i] = champs[i]!.replace(CONTROLES, '');
    if (!guillemetNonFerme && champs.length === 1 && champs[0] === '') return; // blank line
    sortie.push({ ligne: this.ligneDebut, champs, guillemetNonFerme });
  }
}

/** Bytes in, records out: decoding, separator detection on the first line, splitting. */
export class LecteurCsv {
  private readonly decodeur: TextDecoder;
  private decoupeur: DecoupeurCsv | null = null;
  /** Text read before the end of the first line (the separator is not known yet). */
  private attente = '';
  private _separateur: Separateur | null = null;

  constructor(readonly encodage: Encodage) {
    this.decodeur = new TextDecoder(encodage, { fatal: encodage === 'utf-8' });
  }

  /** The separator, once the first line has been read. */
  get separateur(): Separateur | null {
    return this._separateur;
  }

  /** Reads a chunk of bytes; returns the records it completes. Throws `Utf8Invalide`. */
  pousser(octets: Uint8Array): Enregistrement[] {
    return this.texte(this.decoder(octets, true));
  }

  /** The input is over: returns the last records. Throws `Utf8Invalide` (a cut sequence). */
  terminer(): Enregistrement[] {
    const sortie = this.texte(this.decoder(new Uint8Array(0), false));
    if (!this.decoupeur) this.demarrer(sortie);
    this.decoupeur!.terminer(sortie);
    return sortie;
  }

  private decoder(octets: Uint8Array, stream: boolean): string {
    try {
      return this.decodeur.decode(octets, { stream });
    } catch (err) {
      if (err instanceof TypeError) throw new Utf8Invalide();
      throw err;
    }
  }

  private texte(t: string): Enregistrement[] {
    const sortie: Enregistrement[] = [];
    if (this.decoupeur) {
      this.decoupeur.pousser(t, sortie);
      return sortie;
    }
    this.attente += t;
    if (/[\r\n]/.test(this.attente)) this.demarrer(sortie);
    return sortie;
  }

  private demarrer(sortie: Enregistrement[]): void {
    // A BOM read as Windows-1252 (a UTF-8 file with a broken byte further on).
    const texte = this.attente.startsWith('\u00ef\u00bb\u00bf') ? this.attente.slice(3) : this.attente;
    this.attente = '';
    const fin = texte.search(/[\r\n]/);
    this._separateur = detecterSeparateur(fin < 0 ? texte : texte.slice(0, fin));
    this.decoupeur = new DecoupeurCsv(this._separateur);
    this.decoupeur.pousser(texte, sortie);
  }
}

/** Every record of a whole input held in memory (tests, small files), with its encoding and separator. */
export function lireTout(octets: Uint8Array): {
  encodage: Encodage;
  separateur: Separateur;
  enregistrements: Enregistrement[];
} {
  for (const encodage of ['utf-8', 'windows-1252'] as const) {
    const lecteur = new LecteurCsv(encodage);
    try {
      const enregistrements = [...lecteur.pousser(octets), ...lecteur.terminer()];
      return { encodage, separateur: lecteur.separateur ?? ';', enregistrements };
    } catch (err) {
      if (!(err instanceof Utf8Invalide)) throw err;
    }
  }
  /* c8 ignore next */
  throw new Error('inaccessible : Windows-1252 décode tous les octets');
}
