/**
 * The WHATWG Encoding Standard's label table (https://encoding.spec.whatwg.org/#names-and-labels),
 * written the way the standard publishes it: each encoding's lowercase name and its labels.
 */
// biome-ignore format: one encoding a line, as the standard lists them
const WHATWG_LABELS: Record<string, readonly string[]> = {
  'utf-8': ['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8'],
  ibm866: ['866', 'cp866', 'csibm866', 'ibm866'],
  'iso-8859-2': ['csisolatin2', 'iso-8859-2', 'iso-ir-101', 'iso8859-2', 'iso88592', 'iso_8859-2', 'iso_8859-2:1987', 'l2', 'latin2'],
  'iso-8859-3': ['csisolatin3', 'iso-8859-3', 'iso-ir-109', 'iso8859-3', 'iso88593', 'iso_8859-3', 'iso_8859-3:1988', 'l3', 'latin3'],
  'iso-8859-4': ['csisolatin4', 'iso-8859-4', 'iso-ir-110', 'iso8859-4', 'iso88594', 'iso_8859-4', 'iso_8859-4:1988', 'l4', 'latin4'],
  'iso-8859-5': ['csisolatincyrillic', 'cyrillic', 'iso-8859-5', 'iso-ir-144', 'iso8859-5', 'iso88595', 'iso_8859-5', 'iso_8859-5:1988'],
  'iso-8859-6': ['arabic', 'asmo-708', 'csiso88596e', 'csiso88596i', 'csisolatinarabic', 'ecma-114', 'iso-8859-6', 'iso-8859-6-e', 'iso-8859-6-i', 'iso-ir-127', 'iso8859-6', 'iso88596', 'iso_8859-6', 'iso_8859-6:1987'],
  'iso-8859-7': ['csisolatingreek', 'ecma-118', 'elot_928', 'greek', 'greek8', 'iso-8859-7', 'iso-ir-126', 'iso8859-7', 'iso88597', 'iso_8859-7', 'iso_8859-7:1987', 'sun_eu_greek'],
  'iso-8859-8': ['csiso88598e', 'csisolatinhebrew', 'hebrew', 'iso-8859-8', 'iso-8859-8-e', 'iso-ir-138', 'iso8859-8', 'iso88598', 'iso_8859-8', 'iso_8859-8:1988', 'visual'],
  'iso-8859-8-i': ['csiso88598i', 'iso-8859-8-i', 'logical'],
  'iso-8859-10': ['csisolatin6', 'iso-8859-10', 'iso-ir-157', 'iso8859-10', 'iso885910', 'l6', 'latin6'],
  'iso-8859-13': ['iso-8859-13', 'iso8859-13', 'iso885913'],
  'iso-8859-14': ['iso-8859-14', 'iso8859-14', 'iso885914'],
  'iso-8859-15': ['csisolatin9', 'iso-8859-15', 'iso8859-15', 'iso885915', 'iso_8859-15', 'l9'],
  'iso-8859-16': ['iso-8859-16'],
  'koi8-r': ['cskoi8r', 'koi', 'koi8', 'koi8-r', 'koi8_r'],
  'koi8-u': ['koi8-ru', 'koi8-u'],
  macintosh: ['csmacintosh', 'mac', 'macintosh', 'x-mac-roman'],
  'windows-874': ['dos-874', 'iso-8859-11', 'iso8859-11', 'iso885911', 'tis-620', 'windows-874'],
  'windows-1250': ['cp1250', 'windows-1250', 'x-cp1250'],
  'windows-1251': ['cp1251', 'windows-1251', 'x-cp1251'],
  'windows-1252': ['ansi_x3.4-1968', 'ascii', 'cp1252', 'cp819', 'csisolatin1', 'ibm819', 'iso-8859-1', 'iso-ir-100', 'iso8859-1', 'iso88591', 'iso_8859-1', 'iso_8859-1:1987', 'l1', 'latin1', 'us-ascii', 'windows-1252', 'x-cp1252'],
  'windows-1253': ['cp1253', 'windows-1253', 'x-cp1253'],
  'windows-1254': ['cp1254', 'csisolatin5', 'iso-8859-9', 'iso-ir-148', 'iso8859-9', 'iso88599', 'iso_8859-9', 'iso_8859-9:1989', 'l5', 'latin5', 'windows-1254', 'x-cp1254'],
  'windows-1255': ['cp1255', 'windows-1255', 'x-cp1255'],
  'windows-1256': ['cp1256', 'windows-1256', 'x-cp1256'],
  'windows-1257': ['cp1257', 'windows-1257', 'x-cp1257'],
  'windows-1258': ['cp1258', 'windows-1258', 'x-cp1258'],
  'x-mac-cyrillic': ['x-mac-cyrillic', 'x-mac-ukrainian'],
  gbk: ['chinese', 'csgb2312', 'csiso58gb231280', 'gb2312', 'gb_2312', 'gb_2312-80', 'gbk', 'iso-ir-58', 'x-gbk'],
  gb18030: ['gb18030'],
  big5: ['big5', 'big5-hkscs', 'cn-big5', 'csbig5', 'x-x-big5'],
  'euc-jp': ['cseucpkdfmtjapanese', 'euc-jp', 'x-euc-jp'],
  'iso-2022-jp': ['csiso2022jp', 'iso-2022-jp'],
  shift_jis: ['csshiftjis', 'ms932', 'ms_kanji', 'shift-jis', 'shift_jis', 'sjis', 'windows-31j', 'x-sjis'],
  'euc-kr': ['cseuckr', 'csksc56011987', 'euc-kr', 'iso-ir-149', 'korean', 'ks_c_5601-1987', 'ks_c_5601-1989', 'ksc5601', 'ksc_5601', 'windows-949'],
  replacement: ['csiso2022kr', 'hz-gb-2312', 'iso-2022-cn', 'iso-2022-cn-ext', 'iso-2022-kr', 'replacement'],
  'utf-16be': ['unicodefffe', 'utf-16be'],
  'utf-16le': ['csunicode', 'iso-10646-ucs-2', 'ucs-2', 'unicode', 'unicodefeff', 'utf-16', 'utf-16le'],
  'x-user-defined': ['x-user-defined'],
};

/**
 * Labels the WHATWG table lacks but feeds declare, as Python's codecs (and so feedparser) know
 * them: the encodings outside WHATWG that we decode (UTF-32, EBCDIC, DOS and Mac code pages),
 * and other names for WHATWG encodings. Written after the two normalisations `resolveCharsetLabel`
 * applies, so `ebcdic_cp_us` and `csibm037` need no entry of their own.
 */
// biome-ignore format: one encoding a line
const OTHER_LABELS: Record<string, readonly string[]> = {
  'utf-8': ['u8', 'utf', 'cp65001'],
  'utf-16le': ['u16', 'utf16'],
  'utf-32le': ['utf-32le', 'utf-32', 'utf32', 'u32', 'ucs-4', 'iso-10646-ucs-4', 'ucs4'],
  'utf-32be': ['utf-32be'],
  cp037: ['cp037', '037', 'ibm037', 'ibm039', 'ebcdic-cp-us', 'ebcdic-cp-ca', 'ebcdic-cp-wt', 'ebcdic-cp-nl'],
  cp500: ['cp500', '500', 'ibm500', 'ebcdic-cp-be', 'ebcdic-cp-ch'],
  cp875: ['cp875', '875', 'ibm875'],
  cp1140: ['cp1140', '1140', 'ibm1140', 'ibm01140'],
  ibm437: ['ibm437', '437', 'cp437', 'pc8codepage437'],
  cp737: ['cp737', '737', 'ibm737'],
  ibm775: ['ibm775', '775', 'cp775', 'pc775baltic'],
  ibm850: ['ibm850', '850', 'cp850', 'pc850multilingual'],
  ibm852: ['ibm852', '852', 'cp852', 'pcp852'],
  ibm855: ['ibm855', '855', 'cp855'],
  cp856: ['cp856', '856', 'ibm856'],
  ibm857: ['ibm857', '857', 'cp857'],
  ibm860: ['ibm860', '860', 'cp860'],
  ibm861: ['ibm861', '861', 'cp861', 'cp-is'],
  ibm862: ['ibm862', '862', 'cp862', 'pc862latinhebrew'],
  ibm863: ['ibm863', '863', 'cp863'],
  ibm864: ['ibm864', '864', 'cp864'],
  ibm865: ['ibm865', '865', 'cp865'],
  ibm869: ['ibm869', '869', 'cp869', 'cp-gr'],
  cp1125: ['cp1125', '1125', 'ibm1125', 'cp866u', 'ruscii'],
  'koi8-t': ['koi8-t'],
  'x-mac-ce': ['x-mac-ce', 'maccentraleurope', 'mac-centeuro', 'maclatin2', 'mac-latin2'],
  'x-mac-greek': ['x-mac-greek', 'macgreek', 'mac-greek'],
  'x-mac-icelandic': ['x-mac-icelandic', 'maciceland', 'mac-iceland'],
  'x-mac-turkish': ['x-mac-turkish', 'macturkish', 'mac-turkish'],
  macintosh: ['macroman', 'mac-roman'],
  'x-mac-cyrillic': ['maccyrillic', 'mac-cyrillic'],
  'windows-874': ['cp874'],
  gbk: ['cp936', 'ms936', 'euc-cn'],
  'euc-kr': ['cp949', 'ms949', 'uhc'],
  shift_jis: ['cp932'],
};

const NAME_BY_LABEL = new Map(
  [WHATWG_LABELS, OTHER_LABELS].flatMap((table) =>
    Object.entries(table).flatMap(([name, labels]) => labels.map((label) => [label, name] as const)),
  ),
);

/**
 * The canonical lowercase name of the encoding a charset label means, or undefined for a
 * label nobody defines. WHATWG's rule first (trim, lowercase, exact match); then, as Python's
 * codec lookup does, `_` read as `-`, and an IANA `cs` alias read as the name it prefixes.
 */
export function resolveCharsetLabel(label: string): string | undefined {
  const exact = label.trim().toLowerCase();
  const dashed = exact.replaceAll('_', '-');
  for (const candidate of [exact, dashed, dashed.replace(/^cs/, '')]) {
    const name = NAME_BY_LABEL.get(candidate);
    if (name) return name;
  }
  return undefined;
}
