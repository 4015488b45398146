/**
 * The Content-Type an upload gets from its file name, so a synced website serves pages as pages,
 * fonts as fonts and media as media. The table is mime-db's (through mime-types), the one most
 * Node servers use; anything it does not know is application/octet-stream.
 */
import { lookup } from 'mime-types';

/** No file is a form: a form-encoded PUT reaches some servers empty (see moto-notes). */
const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

export function contentTypeFor(name: string): string {
  const type = lookup(name);
  return type && !FORM_TYPES.test(type) ? type : 'application/octet-stream';
}
