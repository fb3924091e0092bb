/**
 * Cases of the Universal Feed Parser's corpus that are not scored, each with the reason. The
 * conformance test fails when a listed file is missing from the corpus, so the list cannot
 * outlive what it names.
 */
export const EXCLUDED_CASES: Readonly<Record<string, string>> = {
  'wellformed/rss/entity_in_doctype.xml':
    'declares an XML entity: refused with FEED_UNSAFE_XML, a security decision (docs/feeds.md)',
  'wellformed/rss/item_description_and_summary.xml':
    'checks two different bodies of one item; tidings keeps one, the longest',
  'wellformed/rss/item_summary_and_description.xml':
    'checks two different bodies of one item; tidings keeps one, the longest',
  'encoding/http_text_atom_xml_default.xml':
    'RFC 3023 (text/xml without a charset is us-ascii) was obsoleted by RFC 7303: the XML declaration or UTF-8 wins, as in browsers',
  'encoding/http_text_rss_xml_default.xml':
    'RFC 3023 (text/xml without a charset is us-ascii) was obsoleted by RFC 7303: the XML declaration or UTF-8 wins, as in browsers',
  'encoding/http_text_xml_bogus_charset.xml':
    'RFC 3023 (text/xml without a charset is us-ascii) was obsoleted by RFC 7303: the XML declaration or UTF-8 wins, as in browsers',
  'encoding/http_text_xml_bogus_param.xml':
    'RFC 3023 (text/xml without a charset is us-ascii) was obsoleted by RFC 7303: the XML declaration or UTF-8 wins, as in browsers',
  'encoding/http_text_xml_default.xml':
    'RFC 3023 (text/xml without a charset is us-ascii) was obsoleted by RFC 7303: the XML declaration or UTF-8 wins, as in browsers',
  'encoding/http_text_xml_epe_default.xml':
    'RFC 3023 (text/xml without a charset is us-ascii) was obsoleted by RFC 7303: the XML declaration or UTF-8 wins, as in browsers',
  'encoding/http_text_xml_qs.xml':
    'RFC 3023 (text/xml without a charset is us-ascii) was obsoleted by RFC 7303: the XML declaration or UTF-8 wins, as in browsers',
  'wellformed/atom10/entry_content_and_summary.xml':
    'checks the shorter of two bodies (summary beside content); tidings keeps one, the longest',
};
