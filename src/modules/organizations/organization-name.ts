/**
 * What makes two organization names the same: Unicode-normalised (NFKC) and
 * case-folded in every script ("Äpfel" and "äpfel", "STRASSE" and "straße"),
 * which SQLite's NOCASE does only for ASCII. Stored as `name_key`, unique.
 */
export function organizationNameKey(name: string): string {
  return name.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}
