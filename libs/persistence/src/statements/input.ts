/**
 * The input of a grouped statement, named: each field of an item is one column of `unnest(...)`,
 * given as `'column type'`. Adding a field to a statement is one line here and its use in the SQL.
 * The first field is the item's key: each item's returned row is found by it.
 */
export type InputSpec<Item> = { readonly [Field in keyof Item]-?: string };

export interface InputColumn<Item> {
  field: keyof Item;
  column: string;
  type: string;
}

export interface StatementInput<Item> {
  readonly columns: readonly InputColumn<Item>[];
  /** `unnest($1::type[], ...) AS i(column, ...)`. */
  readonly unnest: string;
  /** The column names, but those listed, comma-separated (an INSERT's list). */
  names(except?: readonly string[]): string;
  /** The statement's parameters for `items`: one array per column. */
  arrays(items: readonly Item[]): unknown[][];
  keyOf(item: Item): unknown;
}

export function statementInput<Item>(spec: InputSpec<Item>): StatementInput<Item> {
  const columns = (Object.keys(spec) as (keyof Item)[]).map((field) => {
    const [column, type] = spec[field].split(' ');
    return { field, column, type };
  });
  const key = columns[0].field;
  return {
    columns,
    unnest: `unnest(${columns.map((c, n) => `$${n + 1}::${c.type}[]`).join(', ')}) AS i(${columns
      .map((c) => c.column)
      .join(', ')})`,
    names: (except = []) =>
      columns
        .filter((c) => !except.includes(c.column))
        .map((c) => c.column)
        .join(', '),
    arrays: (items) => columns.map(({ field }) => items.map((item) => item[field])),
    keyOf: (item) => item[key],
  };
}
