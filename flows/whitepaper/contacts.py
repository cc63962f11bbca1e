"""Section 四 of a white paper: the public channels (公众参与、监督渠道), one row per numbered item.

    (一) 登录深圳市科技创新委员会网站(www.szsti.gov.cn)。      → website, www.szsti.gov.cn
    (三) 拨打我委服务电话:88128897。                           → phone, 88128897
"""

from __future__ import annotations

import re

from flows.whitepaper.source_doc import NUMBERED, Line, SourceDoc, WhitepaperError, numbered_items

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Brackets are left out of a URL: the folded text turns （http://…） into (http://…).
URL = re.compile(r"(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[A-Za-z0-9\-._~/?#@!$&*+=%:;,]*)?")
# Digits next to Chinese text have no \b (a CJK character is a word character), hence the lookarounds: 拨打12345热线.
PHONE = re.compile(r"(?<!\d)(?:(?:\+?86[- ]?)?(?:0\d{2,3}[- ]?)?\d{7,8}|1\d{10}|\d{5})(?!\d)")


def _contact_channel(folded: str) -> tuple[str, re.Match | None]:
    if m := EMAIL.search(folded):
        return "email", m
    if re.search(r"电话|热线|拨打|传真", folded) and (m := PHONE.search(folded)):
        return "phone", m
    if re.search(r"网站|网址|登录|www\.|https?://", folded) and (m := URL.search(folded)):
        return "website", m
    if re.search(r"信箱|邮寄|来信|地址|邮编", folded):
        return "mail", None
    return "other", None


def parse_contacts(doc: SourceDoc, lines: list[Line]) -> list[dict]:
    """One contacts row per (一)-numbered item of section 四; a lone stray line after the last is a note, not text."""
    items = numbered_items(doc, lines)
    if not items:
        raise WhitepaperError(f"{doc.source_file}: section 四 lists no numbered channel; expected lines like '(一) 登录…网站(www…)'")
    rows = []
    for seq, (_, first, more) in enumerate(items, start=1):
        kept = []
        for ln in more:
            # The seed ends with a lone "0" after the last channel: not part of any item.
            if re.fullmatch(r"[\d\W_]{1,5}", ln.folded):
                doc.note("contacts", None, "stray_line", f"line {ln.number} holds only {doc.span(ln.start, ln.end)!r}; left out",
                         ln.start, ln.end)
            else:
                kept.append(ln)
        start = first.start + NUMBERED.match(first.folded).end()
        end = (kept[-1] if kept else first).end
        channel, m = _contact_channel(doc.folded[start:end])
        value = doc.span(start + m.start(), start + m.end()).rstrip(".,;:") if m else doc.span(start, end)
        rows.append({"contact_id": f"{doc.document_id}-c{seq}", "document_id": doc.document_id, "contact_seq": seq,
                     "channel": channel, "value": value, "text_zh": doc.span(start, end),
                     "source_start": start, "source_end": end})
    return rows
