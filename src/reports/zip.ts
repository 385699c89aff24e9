/**
 * A minimal ZIP writer (deflate, no encryption, no ZIP64): enough for the few small XML parts of a
 * DOCX (ADR 0043). Fixed timestamps: the same entries give the same bytes.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface EntreeZip {
  nom: string;
  contenu: Buffer;
}

/** 1 January 1980, the first date a ZIP header can hold (DOS time 0:00). */
const DATE_DOS = (0 << 9) | (1 << 5) | 1;

export function zip(entrees: readonly EntreeZip[]): Buffer {
  const locaux: Buffer[] = [];
  const central: Buffer[] = [];
  let decalage = 0;
  for (const e of entrees) {
    const nom = Buffer.from(e.nom, 'utf8');
    const compresse = deflateRawSync(e.contenu);
    const crc = crc32(e.contenu);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DATE_DOS, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compresse.length, 18);
    local.writeUInt32LE(e.contenu.length, 22);
    local.writeUInt16LE(nom.length, 26);
    local.writeUInt16LE(0, 28);
    locaux.push(local, nom, compresse);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(8, 10);
    c.writeUInt16LE(0, 12);
    c.writeUInt16LE(DATE_DOS, 14);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(compresse.length, 20);
    c.writeUInt32LE(e.contenu.length, 24);
    c.writeUInt16LE(nom.length, 28);
    c.writeUInt32LE(decalage, 42);
    central.push(c, nom);
    decalage += 30 + nom.length + compresse.length;
  }
  const tailleCentral = central.reduce((n, b) => n + b.length, 0);
  const fin = Buffer.alloc(22);
  fin.writeUInt32LE(0x06054b50, 0);
  fin.writeUInt16LE(entrees.length, 8);
  fin.writeUInt16LE(entrees.length, 10);
  fin.writeUInt32LE(tailleCentral, 12);
  fin.writeUInt32LE(decalage, 16);
  return Buffer.concat([...locaux, ...central, fin]);
}
