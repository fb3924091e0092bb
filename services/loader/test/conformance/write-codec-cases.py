"""Writes the cases feedparser's tests/test_encoding.py builds in code as corpus files.

test_encoding.py's test_encoding() encodes one small Atom 0.3 document in each of ~120 code
pages and expects its title back; the conformance test (conformance.test.ts) reads files, so
this writes each case as TESTS/encoding-codecs/codec-NAME.xml with its annotation beside it in
codec-NAME.expect (the annotation cannot sit inside a document in EBCDIC or UTF-16).

    python3 write-codec-cases.py /path/to/feedparser/tests
"""

import pathlib
import re
import sys

tests = pathlib.Path(sys.argv[1])
source = (tests / "test_encoding.py").read_text()
listed = source[source.index('"encoding",\n    (') :]
names = re.findall(r'"([^"]+)"', listed[: listed.index(")")])[1:]
out = tests / "encoding-codecs"
out.mkdir(exist_ok=True)
for name in names:
    expected = b"\x80".decode(name)
    document = (
        f'<?xml version="1.0" encoding="{name}"?>\n'
        f'<feed version="0.3" xmlns="http://purl.org/atom/ns#">\n<title>{expected}</title>\n</feed>'
    )
    (out / f"codec-{name}.xml").write_bytes(document.encode(name))
    escaped = expected.encode("unicode_escape").decode("ascii").replace("'", "\\'")
    (out / f"codec-{name}.expect").write_text(
        f"Description: test_encoding.py, {name}\nExpect: encoding == '{name}' and feed['title'] == '{escaped}'\n"
    )
print(f"{len(names)} cases in {out}")
