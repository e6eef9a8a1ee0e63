// C0 controls and DEL: PostgreSQL refuses NUL in text, and none has a place in a reference or in
// text shown to people.
const CONTROL_CHARACTER = '[\\x00-\\x1f\\x7f]';
const ANY = new RegExp(CONTROL_CHARACTER);
const EACH = new RegExp(CONTROL_CHARACTER, 'g');

export function hasControlCharacters(text: string): boolean {
  return ANY.test(text);
}

/** The text with each control character as a space. */
export function controlCharactersAsSpaces(text: string): string {
  return text.replace(EACH, ' ');
}
