/**
 * An error file written as an import reads: text appended in chunks to a private temporary file
 * (mode 600 under the system's temporary directory), so that its size never sits in memory. The
 * caller then copies it where it belongs (the command line: next to the input; the server: the
 * error-file store, `src/app/fichiers-erreurs.ts`) and deletes it.
 */
import { randomUUID } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Text kept before each write to the disk. */
const TAMPON_MAX = 1 << 16;

/** A finished temporary file: where it is and how big. */
export interface FichierTemporaire {
  chemin: string;
  octets: number;
  /** Data rows written (the header aside). */
  lignes: number;
}

export class EcritureTemporaire {
  private tampon = '';
  private octets = 0;
  private lignes = 0;
  private ferme = false;

  private constructor(
    readonly chemin: string,
    private readonly fichier: FileHandle,
  ) {}

  /** Creates the file (`wx`: never an existing one) and writes its first line. */
  static async ouvrir(entete: string): Promise<EcritureTemporaire> {
    const chemin = join(tmpdir(), `flux-erreurs-${randomUUID()}.csv`);
    const e = new EcritureTemporaire(chemin, await open(chemin, 'wx', 0o600));
    e.tampon = entete;
    return e;
  }

  /** Appends one data row (with its line break); `vider` when `plein`. */
  ajouter(ligne: string): void {
    this.tampon += ligne;
    this.lignes++;
  }

  get plein(): boolean {
    return this.tampon.length >= TAMPON_MAX;
  }

  async vider(): Promise<void> {
    if (this.tampon === '') return;
    const octets = Buffer.from(this.tampon, 'utf8');
    this.tampon = '';
    this.octets += octets.length;
    await this.fichier.write(octets);
  }

  /** Writes what is left and closes the file. */
  async fermer(): Promise<FichierTemporaire> {
    await this.vider();
    if (!this.ferme) {
      this.ferme = true;
      await this.fichier.close();
    }
    return { chemin: this.chemin, octets: this.octets, lignes: this.lignes };
  }

  /** Closes and deletes the file (a pass that is read again, an import that failed). */
  async supprimer(): Promise<void> {
    this.tampon = '';
    if (!this.ferme) {
      this.ferme = true;
      await this.fichier.close().catch(() => undefined);
    }
    await supprimerTemporaire(this.chemin);
  }
}

/** Deletes a temporary file; a file already gone is not an error. */
export async function supprimerTemporaire(chemin: string): Promise<void> {
  await rm(chemin, { force: true });
}
