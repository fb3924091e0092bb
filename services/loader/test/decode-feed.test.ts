import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeFeed } from '../src/decode-feed.js';

const hex = (digits: string) => Buffer.from(digits.replace(/\s/g, ''), 'hex');
const latin1 = (text: string) => Buffer.from(text, 'latin1');
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
const decode = (bytes: Uint8Array, contentType?: string) => decodeFeed(bytes, contentType);

describe('decodeFeed: where the encoding comes from', () => {
  it.each([
    ['UTF-8', hex('efbbbf'), utf8('<t>ö</t>'), 'utf-8'],
    ['UTF-16LE', hex('fffe'), Buffer.from('<t>ö</t>', 'utf16le'), 'utf-16le'],
    ['UTF-16BE', hex('feff'), utf16be('<t>ö</t>'), 'utf-16be'],
    ['UTF-32LE', hex('fffe0000'), hex('3c000000 74000000 3e000000 f6000000'), 'utf-32le'],
    ['UTF-32BE', hex('0000feff'), hex('0000003c 00000074 0000003e 000000f6'), 'utf-32be'],
  ])('a %s BOM wins over the HTTP charset and the XML declaration, and is not in the text', (_, bom, body, name) => {
    const decoded = decode(Buffer.concat([bom, body]), 'application/rss+xml; charset=koi8-r');
    expect(decoded).toEqual({ text: expect.stringMatching(/^<t>ö/), charset: { name, guessed: false } });
  });

  it('reads the HTTP charset before the XML declaration', () => {
    const body = Buffer.concat([
      latin1('<?xml version="1.0" encoding="windows-1251"?><t>'),
      hex('eb d5 d2 d3'),
      latin1('</t>'),
    ]);
    expect(decode(body, 'text/xml; charset=koi8-r')).toEqual({
      text: '<?xml version="1.0" encoding="windows-1251"?><t>Курс</t>',
      charset: { name: 'koi8-r', guessed: false },
    });
  });

  it.each([
    'text/xml; charset= "koi8-r"',
    'text/xml; charset = koi8-r',
    "text/xml;charset='koi8-r'",
    'TEXT/XML; CHARSET=KOI8-R',
    'application/rss+xml; q=0.9; charset="koi8-r"; format=flowed',
    'text/xml; title="a;charset=utf-8"; charset=koi8-r',
  ])('finds the charset in %s', (contentType) => {
    expect(decode(hex('eb d5 d2 d3'), contentType).text).toBe('Курс');
  });

  it('ignores a Content-Type whose charset is not a parameter', () => {
    expect(decode(latin1('<t>Börse</t>'), 'text/xml; charset:koi8-r').charset).toEqual({
      name: 'windows-1252',
      guessed: true,
    });
  });

  it('does not read text/xml without a charset as US-ASCII (RFC 7303 ended that)', () => {
    expect(decode(utf8('<?xml version="1.0" encoding="utf-8"?><t>Börse</t>'), 'text/xml').text).toContain('Börse');
  });

  it('reads the XML declaration when HTTP names no charset', () => {
    const decoded = decode(Buffer.concat([latin1(`<?xml version='1.0' encoding='KOI8-R'?><t>`), hex('eb d5 d2 d3')]));
    expect(decoded.text).toBe(`<?xml version='1.0' encoding='KOI8-R'?><t>Курс`);
    expect(decoded.charset).toEqual({ name: 'koi8-r', guessed: false });
  });

  it('reads BOM-less UTF-16 by the byte order its first bytes show, also when it declares "utf-16"', () => {
    const declared = decode(utf16be('<?xml version="1.0" encoding="utf-16"?><t>Börse</t>'));
    expect(declared.charset).toEqual({ name: 'utf-16be', guessed: false });
    expect(declared.text).toContain('<t>Börse</t>');
    const undeclared = decode(Buffer.from('<?xml version="1.0"?><t>Börse</t>', 'utf16le'));
    expect(undeclared.charset).toEqual({ name: 'utf-16le', guessed: true });
    expect(undeclared.text).toContain('<t>Börse</t>');
  });

  it.each([
    ['UTF-32LE', hex('3c000000 3f000000 78000000 6d000000 6c000000'), 'utf-32le'],
    ['UTF-32BE', hex('0000003c 0000003f 00000078 0000006d 0000006c'), 'utf-32be'],
  ])('reads BOM-less %s by its first bytes', (_, bytes, name) => {
    expect(decode(bytes)).toEqual({ text: '<?xml', charset: { name, guessed: true } });
  });

  it('reads an EBCDIC document by the encoding its declaration names in EBCDIC', () => {
    // <?xml version="1.0" encoding="ebcdic-cp-be"?><t>[1]</t>, in cp500: cp037 reads 0x4a as ¢.
    const cp500 = hex(`4c6fa794 9340a585 99a28996 957e7ff1 4bf07f40 85958396 84899587 7e7f8582
      83848983 60839760 82857f6f 6e4ca36e 4af15a4c 61a36e`);
    expect(decode(cp500)).toEqual({
      text: '<?xml version="1.0" encoding="ebcdic-cp-be"?><t>[1]</t>',
      charset: { name: 'cp500', guessed: false },
    });
  });

  it('reads EBCDIC that declares no encoding as cp037', () => {
    // <?xml version="1.0"?><t>¢</t>
    const cp037 = hex('4c6fa794 9340a585 99a28996 957e7ff1 4bf07f6f 6e4ca36e 4a4c61a3 6e');
    expect(decode(cp037)).toEqual({ text: '<?xml version="1.0"?><t>¢</t>', charset: { name: 'cp037', guessed: true } });
  });

  it('guesses UTF-8 for undeclared bytes that are valid UTF-8', () => {
    expect(decode(utf8('<t>Börse</t>')).charset).toEqual({ name: 'utf-8', guessed: true });
  });

  it.each([
    [
      'Shift_JIS',
      `3c7273733e3c7469746c653e93fa967b82cc8a948eae8e738fea82cd8da193fa82e08fe38fb882b582dc82b582bd8142897e88c0
       82aa91b182a282c482a282dc82b781423c2f7469746c653e3c2f7273733e`,
      'shift_jis',
      '日本の株式市場は今日も上昇しました。円安が続いています。',
    ],
    [
      'KOI8-R',
      `3c7273733e3c7469746c653eebd5d2d320d2d5c2ccd120d3cecfd7c120d5d0c1cc20cec120d4cfd2c7c1c820d720d0cfcec5c4c5
       ccd8cec9cb3c2f7469746c653e3c2f7273733e`,
      'koi8-r',
      'Курс рубля снова упал на торгах в понедельник',
    ],
  ])('detects undeclared %s', (_, bytes, name, title) => {
    expect(decode(hex(bytes))).toEqual({
      text: `<rss><title>${title}</title></rss>`,
      charset: { name, guessed: true },
    });
  });

  it('does not take undeclared Thai for Latin-1, whatever chardet ranks first', () => {
    const thai = 'สำนักงานส่งเสริมอุตสาหกรรมซอฟต์แวร์แห่งชาติ ขอเรียนเชิญทุกท่านที่สนใจส่งผลงานเข้าร่วมการประกวด';
    const bytes = Buffer.concat([
      utf8('<rss><description>'),
      iconv.encode(thai, 'tis620'),
      utf8('</description></rss>'),
    ]);
    expect(decode(bytes)).toEqual({
      text: `<rss><description>${thai}</description></rss>`,
      charset: { name: 'windows-874', guessed: true },
    });
  });

  it('reads undeclared bytes that are neither UTF-8 nor detected as windows-1252', () => {
    expect(decode(latin1('<t>Café</t>'))).toEqual({
      text: '<t>Café</t>',
      charset: { name: 'windows-1252', guessed: true },
    });
  });
});

describe('decodeFeed: labels', () => {
  it.each([
    ['us-ascii', 'windows-1252'],
    ['ISO-8859-1', 'windows-1252'],
    ['latin1', 'windows-1252'],
    ['gb2312', 'gbk'],
    ['x-sjis', 'shift_jis'],
    ['unicode-1-1-utf-8', 'utf-8'],
    ['windows_1251', 'windows-1251'],
    ['cskoi8r', 'koi8-r'],
    ['macroman', 'macintosh'],
    ['cp874', 'windows-874'],
    ['csibm037', 'cp037'],
    ['ebcdic_cp_be', 'cp500'],
    ['cspc850multilingual', 'ibm850'],
    ['cp_is', 'ibm861'],
    ['maccentraleurope', 'x-mac-ce'],
  ])('%s is %s', (label, name) => {
    expect(decode(latin1('<t/>'), `text/xml; charset=${label}`).charset.name).toBe(name);
  });

  it('reads gb2312 with the gb18030 decoder, four-byte sequences too', () => {
    expect(decode(hex('9439fc36 d6d0'), 'text/xml; charset=gb2312').text).toBe('😀中');
  });
});

describe('decodeFeed: windows-1252', () => {
  // <t>£“test.”</t> in windows-1252; Node's own TextDecoder reads 0x93 and 0x94 as C1 controls.
  const quoted = hex('3c743e a3 93 74 65 73 74 2e 94 3c2f743e');

  it.each([
    ['windows-1252', 'text/xml; charset=windows-1252'],
    ['ISO-8859-1, which means windows-1252', 'text/xml; charset=iso-8859-1'],
    ['US-ASCII, which means windows-1252', 'text/xml; charset=us-ascii'],
    ['nothing', undefined],
  ])('reads 0x80-0x9F as windows-1252 characters when declared %s', (_, contentType) => {
    const decoded = decode(quoted, contentType);
    expect(decoded.text).toBe('<t>£“test.”</t>');
    expect(decoded.charset.name).toBe('windows-1252');
  });
});

describe('decodeFeed: encodings outside WHATWG', () => {
  it.each([
    ['ibm437', '80 81 82', 'Çüé'],
    ['cp037', 'c1 c2 4a', 'AB¢'],
    ['cp875', 'c1 c2 4a', 'AB['],
    ['cp1140', 'c1 9f', 'A€'],
    ['koi8-t', '80', 'қ'],
    ['ibm866', '80', 'А'],
    ['x-mac-greek', '80 81', 'Ä¹'],
    ['cp1125', 'f2 f3', 'Ґґ'],
  ])('reads %s', (label, bytes, text) => {
    expect(decode(hex(bytes), `text/xml; charset=${label}`)).toEqual({
      text,
      charset: { name: label, guessed: false },
    });
  });
});

describe('decodeFeed: declarations that do not fit the body', () => {
  it('reads a body that is not valid in its declared UTF-8 by the guess, and says so', () => {
    expect(decode(latin1('<t>Ölpreis</t>'), 'text/xml; charset=utf-8')).toEqual({
      text: '<t>Ölpreis</t>',
      charset: {
        name: 'windows-1252',
        guessed: true,
        note: 'the HTTP charset names utf-8 but the body is not valid utf-8; read as windows-1252',
      },
    });
  });

  it('keeps UTF-8 as UTF-8 when a few bytes are not: only those are read as windows-1252', () => {
    const body = Buffer.concat([
      utf8('<rss><title>Ölpreis über 80 Dollar: Förderländer drosseln, it'),
      Buffer.from([0x92]),
      utf8('s Börse fällt</title></rss>'),
    ]);
    expect(decode(body, 'application/rss+xml; charset=utf-8')).toEqual({
      text: '<rss><title>Ölpreis über 80 Dollar: Förderländer drosseln, it’s Börse fällt</title></rss>',
      charset: {
        name: 'utf-8',
        guessed: false,
        note: 'the HTTP charset names utf-8, but 1 byte is not utf-8 (read as windows-1252); read as utf-8',
      },
    });
    expect(decode(body)).toEqual({
      text: '<rss><title>Ölpreis über 80 Dollar: Förderländer drosseln, it’s Börse fällt</title></rss>',
      charset: { name: 'utf-8', guessed: true },
    });
  });

  it('tries the XML declaration when the HTTP charset does not fit', () => {
    const body = latin1('<?xml version="1.0" encoding="iso-8859-1"?><t>Ölpreis</t>');
    expect(decode(body, 'text/xml; charset=utf-8').charset).toEqual({
      name: 'windows-1252',
      guessed: false,
      note: 'the HTTP charset names utf-8 but the body is not valid utf-8; read as windows-1252',
    });
  });

  it.each([
    [utf8('<?xml version="1.0" encoding="klingon-8"?><t>Börse</t>'), 'utf-8'],
    [latin1('<?xml version="1.0" encoding="klingon-8"?><t>Börse</t>'), 'windows-1252'],
  ])('reads a document in an unknown encoding as UTF-8 if valid, else windows-1252', (body, name) => {
    const decoded = decode(body);
    expect(decoded.text).toContain('<t>Börse</t>');
    expect(decoded.charset).toEqual({
      name,
      guessed: true,
      note: `the XML declaration names an unknown encoding 'klingon-8'; read as ${name}`,
    });
  });

  it('does not read ISO-2022-KR as WHATWG does, one U+FFFD for the whole document', () => {
    const decoded = decode(latin1('<t>Seoul</t>'), 'text/xml; charset=iso-2022-kr');
    expect(decoded.text).toBe('<t>Seoul</t>');
    expect(decoded.charset.note).toBe("the HTTP charset names 'iso-2022-kr', which is not supported; read as utf-8");
  });

  it('sets aside a UTF-16 declaration written in single bytes', () => {
    expect(decode(latin1('<?xml version="1.0" encoding="utf-16"?><t/>')).charset).toEqual({
      name: 'utf-8',
      guessed: true,
      note: 'the XML declaration names utf-16 but the document starts in an ASCII-compatible encoding; read as utf-8',
    });
  });

  it('keeps no BOM in the text, even a doubled one', () => {
    expect(decode(hex('efbbbf efbbbf 3c743e')).text).toBe('<t>');
  });
});
