"""A report's XMP metadata packet: title, subject, author and language for assistive tools."""

from __future__ import annotations

from xml.sax.saxutils import escape

from nmrf_desktop.reports.model import ReportMeta

LANGUAGE = "en-NZ"  # the reports' text is English (New Zealand); te reo Māori names inside

_PACKET = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt>
   </dc:description>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>{keywords}</pdf:Keywords>
   <xmp:CreatorTool>NMRF Desktop</xmp:CreatorTool>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def xmp_packet(meta: ReportMeta) -> str:
    """The XMP packet for a report (the same title and subject as the document info)."""
    return _PACKET.format(title=_text(meta.title), subject=_text(meta.subject or meta.subtitle),
                          author=_text(meta.author), language=LANGUAGE,
                          keywords=_text(meta.fingerprint))


def _text(value: str) -> str:
    """XML-escaped, without the control characters XML 1.0 cannot carry."""
    clean = "".join(c for c in value if c in "\t\n\r" or ord(c) >= 0x20)
    return escape(clean, {'"': "&quot;"})
