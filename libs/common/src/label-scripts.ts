/**
 * Spoofing checks on one Unicode domain label (UTS #39, Unicode Security Mechanisms):
 *
 * - Restriction level "highly restrictive" (UTS #39 §5.2): the label's letters all come from one
 *   script, or from Latin + Han + Hiragana + Katakana, Latin + Han + Bopomofo or Latin + Han +
 *   Hangul. Characters of Common/Inherited script (digits, hyphen, combining marks) fit any
 *   script; a character's Script_Extensions are used, so marks shared by several scripts fit
 *   each of them. This refuses a Cyrillic 'а' inside a Latin label.
 * - Whole-script confusables (UTS #39 §4): a label written only with Cyrillic or Greek letters
 *   that look like Latin ones ("аррӏе") is refused unless the top-level label is in the same
 *   script (as browsers do).
 *
 * No maintained npm package implements the restriction level, so this uses Node's Unicode
 * property escapes (the runtime's own Unicode data, no table to keep up to date).
 */

// prettier-ignore
const SCRIPTS = [
  'Adlam', 'Ahom', 'Anatolian_Hieroglyphs', 'Arabic', 'Armenian', 'Avestan', 'Balinese', 'Bamum', 'Bassa_Vah', 'Batak',
  'Bengali', 'Beria_Erfe', 'Bhaiksuki', 'Bopomofo', 'Brahmi', 'Braille', 'Buginese', 'Buhid', 'Canadian_Aboriginal', 'Carian',
  'Caucasian_Albanian', 'Chakma', 'Cham', 'Cherokee', 'Chisoi', 'Chorasmian', 'Coptic', 'Cuneiform', 'Cypriot', 'Cypro_Minoan',
  'Cyrillic', 'Deseret', 'Devanagari', 'Dives_Akuru', 'Dogra', 'Duployan', 'Egyptian_Hieroglyphs', 'Elbasan', 'Elymaic',
  'Ethiopic', 'Garay', 'Georgian', 'Glagolitic', 'Gothic', 'Grantha', 'Greek', 'Gujarati', 'Gunjala_Gondi', 'Gurmukhi',
  'Gurung_Khema', 'Han', 'Hangul', 'Hanifi_Rohingya', 'Hanunoo', 'Hatran', 'Hebrew', 'Hiragana', 'Imperial_Aramaic',
  'Inscriptional_Pahlavi', 'Inscriptional_Parthian', 'Javanese', 'Kaithi', 'Kannada', 'Katakana', 'Kawi', 'Kayah_Li',
  'Kharoshthi', 'Khitan_Small_Script', 'Khmer', 'Khojki', 'Khudawadi', 'Kirat_Rai', 'Lao', 'Latin', 'Lepcha', 'Limbu',
  'Linear_A', 'Linear_B', 'Lisu', 'Lycian', 'Lydian', 'Mahajani', 'Makasar', 'Malayalam', 'Mandaic', 'Manichaean', 'Marchen',
  'Masaram_Gondi', 'Medefaidrin', 'Meetei_Mayek', 'Mende_Kikakui', 'Meroitic_Cursive', 'Meroitic_Hieroglyphs', 'Miao', 'Modi',
  'Mongolian', 'Mro', 'Multani', 'Myanmar', 'Nabataean', 'Nag_Mundari', 'Nandinagari', 'New_Tai_Lue', 'Newa', 'Nko', 'Nushu',
  'Nyiakeng_Puachue_Hmong', 'Ogham', 'Ol_Chiki', 'Ol_Onal', 'Old_Hungarian', 'Old_Italic', 'Old_North_Arabian', 'Old_Permic',
  'Old_Persian', 'Old_Sogdian', 'Old_South_Arabian', 'Old_Turkic', 'Old_Uyghur', 'Oriya', 'Osage', 'Osmanya', 'Pahawh_Hmong',
  'Palmyrene', 'Pau_Cin_Hau', 'Phags_Pa', 'Phoenician', 'Psalter_Pahlavi', 'Rejang', 'Runic', 'Samaritan', 'Saurashtra',
  'Sharada', 'Shavian', 'Siddham', 'Sidetic', 'SignWriting', 'Sinhala', 'Sogdian', 'Sora_Sompeng', 'Soyombo', 'Sundanese',
  'Sunuwar', 'Syloti_Nagri', 'Syriac', 'Tagalog', 'Tagbanwa', 'Tai_Le', 'Tai_Tham', 'Tai_Viet', 'Tai_Yo', 'Takri', 'Tamil',
  'Tangsa', 'Tangut', 'Telugu', 'Thaana', 'Thai', 'Tibetan', 'Tifinagh', 'Tirhuta', 'Todhri', 'Tolong_Siki', 'Toto',
  'Tulu_Tigalari', 'Ugaritic', 'Vai', 'Vithkuqi', 'Wancho', 'Warang_Citi', 'Yezidi', 'Yi', 'Zanabazar_Square',
];

/** The scripts this runtime's Unicode data knows (newer names are skipped on an older Node). */
const KNOWN_SCRIPTS: ReadonlyArray<{ name: string; test: RegExp }> = SCRIPTS.flatMap((name) => {
  try {
    return [{ name, test: new RegExp(`^\\p{Script_Extensions=${name}}$`, 'u') }];
  } catch {
    return [];
  }
});

const ANY_SCRIPT = /^[\p{Script=Common}\p{Script=Inherited}]$/u;

/** Script combinations allowed in one label besides a single script (UTS #39 "highly restrictive"). */
const ALLOWED_COMBINATIONS: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
];

/**
 * Lower-case Cyrillic and Greek letters that are confusable with Latin letters (from the UTS #39
 * confusables data, as used by browsers' IDN spoof checks).
 */
const LATIN_LOOKALIKES: Readonly<Record<string, RegExp>> = {
  Cyrillic: /^[аысԁеԍһіюјӏорԛѕԝхуъьҽпгѵѡ]$/u,
  Greek: /^[αικνορυχ]$/u,
};

/** The scripts of one character (its Script_Extensions); null when it fits any script. */
function scriptsOf(char: string): string[] | null {
  const scripts = KNOWN_SCRIPTS.filter((s) => s.test.test(char)).map((s) => s.name);
  if (scripts.length > 0) return scripts;
  // Common/Inherited without Script_Extensions fits any script; an unassigned code point or a
  // script newer than this list fits none
  return ANY_SCRIPT.test(char) ? null : [];
}

/** The single script of a label (null when it has no letters of any particular script). */
function soleScript(perChar: string[][]): string | null | undefined {
  if (perChar.length === 0) return null;
  let common = new Set(perChar[0]);
  for (const scripts of perChar.slice(1)) common = new Set(scripts.filter((s) => common.has(s)));
  return common.size > 0 ? [...common][0] : undefined;
}

/**
 * Why `label` (Unicode form, lower case) may pass for another name, or null when it may not.
 * `tldLabel` is the top-level label in Unicode form.
 */
export function labelSpoofingProblem(label: string, tldLabel: string): string | null {
  const perChar: string[][] = [];
  for (const char of label) {
    const scripts = scriptsOf(char);
    if (scripts === null) continue;
    if (scripts.length === 0) return `the character U+${codePoint(char)} has no script this hub accepts`;
    perChar.push(scripts);
  }
  const sole = soleScript(perChar);
  if (sole === undefined) {
    const fits = ALLOWED_COMBINATIONS.some((allowed) => perChar.every((scripts) => scripts.some((s) => allowed.has(s))));
    if (!fits) return 'mixes scripts (UTS #39: a label must be written in one script)';
    return null;
  }
  if (sole === null) return null;
  const lookalike = LATIN_LOOKALIKES[sole];
  if (lookalike && [...label].every((c) => scriptsOf(c) === null || lookalike.test(c))) {
    const tldScripts = [...tldLabel].map(scriptsOf).filter((s): s is string[] => s !== null);
    if (!(tldScripts.length > 0 && tldScripts.every((s) => s.includes(sole)))) {
      return `is written only with ${sole} letters that look like Latin ones (UTS #39 whole-script confusable)`;
    }
  }
  return null;
}

function codePoint(char: string): string {
  return (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}
