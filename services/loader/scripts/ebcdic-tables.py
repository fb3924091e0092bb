"""Writes services/loader/src/ebcdic-tables.ts from Python's codecs (see that file's header)."""

import sys

CODECS = ("cp037", "cp500", "cp875", "cp1140")


def literal(chars: str) -> str:
    # Invisible and quote characters as escapes, so each row reads as the code page chart does.
    return "".join(c if c.isprintable() and c not in "'\\" else "\\u%04x" % ord(c) for c in chars)


print(f"""/**
 * EBCDIC code pages, which neither Node nor iconv-lite decode: for each, a 256-character
 * string whose character at index b is what byte b means, one line per row of the chart.
 * Generated from Python {sys.version_info.major}.{sys.version_info.minor}'s codecs; regenerate with
 *   python3 services/loader/scripts/ebcdic-tables.py > services/loader/src/ebcdic-tables.ts
 */
export const EBCDIC_TABLES: Record<string, string> = {{""")
for codec in CODECS:
    print(f"  {codec}: [")
    for row in range(0, 256, 16):
        print(f"    '{literal(bytes(range(row, row + 16)).decode(codec))}', // 0x{row:02x}")
    print("  ].join(''),")
print("};")
