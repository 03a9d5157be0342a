/**
 * Text or an attribute value for xmlbuilder2, to be read back exactly as given. Its writer leaves
 * an `&` that already looks like an entity reference (`&amp;`, `&x;`, `&#38;`) as it is, so such
 * text would read back changed, or not be well-formed at all. With every `&` escaped first the
 * writer has nothing left to guess; it still escapes `<`, `>` and quotes itself.
 */
export const xmlLiteral = (value: string): string => value.replaceAll('&', '&amp;');
