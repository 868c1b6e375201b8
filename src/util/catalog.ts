/** What the sink and source catalogs share: their names as a tuple and a lookup by name. */
interface Named {
  readonly name: string;
}

/** The names as a tuple type, for `z.enum`. */
export type NamesOf<Catalog extends readonly Named[]> = { -readonly [I in keyof Catalog]: Catalog[I]['name'] };

export function namesOf<const Catalog extends readonly Named[]>(catalog: Catalog): NamesOf<Catalog> {
  return catalog.map((spec) => spec.name) as NamesOf<Catalog>;
}

/** The entry called `name`; the config schema only admits catalog names, so a miss is a bug. */
export function entryOf<Catalog extends readonly Named[]>(
  catalog: Catalog,
  kind: string,
  name: Catalog[number]['name'],
): Catalog[number] {
  const found = catalog.find((spec) => spec.name === name);
  if (!found) throw new Error(`no ${kind} named ${name}`);
  return found;
}
