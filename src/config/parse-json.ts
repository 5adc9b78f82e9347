/**
 * Strict JSON (JSON.parse decides what is valid) with an error position an operator can find:
 * V8 gives none for many errors ("Unexpected token 'x', ... is not valid JSON", which also quotes
 * the content), so jsonc-parser's scanner locates the first error. Never echoes content.
 */
import { type ParseErrorCode, printParseErrorCode, visit } from 'jsonc-parser';

export type JsonParse = { ok: true; value: unknown } | { ok: false; error: string };

const WHAT: Partial<Record<ReturnType<typeof printParseErrorCode>, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'a double-quoted property name expected',
  ValueExpected: 'a value expected',
  ColonExpected: "':' expected",
  CommaExpected: "',' expected",
  CloseBraceExpected: "'}' expected",
  CloseBracketExpected: "']' expected",
  EndOfFileExpected: 'text after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed',
  UnexpectedEndOfString: 'unterminated string',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape',
  InvalidCharacter: 'control character in a string',
};

function locate(text: string): string | null {
  let found: string | null = null;
  visit(
    text,
    {
      onError: (error: ParseErrorCode, _offset: number, _length: number, line: number, column: number) => {
        if (found !== null) return;
        const what = WHAT[printParseErrorCode(error)];
        found = `(line ${line + 1}, column ${column + 1})${what ? `: ${what}` : ''}`;
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  return found;
}

export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    if (text.trim() === '') return { ok: false, error: 'empty (write {} for an empty configuration)' };
    const v8 = /\(line (\d+) column (\d+)\)/.exec(String((e as Error).message));
    const where = locate(text) ?? (v8 ? `(line ${v8[1]}, column ${v8[2]})` : null);
    return { ok: false, error: where ? `not valid JSON ${where}` : 'not valid JSON' };
  }
}
