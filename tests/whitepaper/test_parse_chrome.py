"""flows/whitepaper/parse.py: the site's chrome after the contacts, and a paper in which nothing is chrome."""

from flows.whitepaper.lookups import Lookups
from flows.whitepaper.parse import parse_whitepaper
from tests.whitepaper.helpers import MINI

CONTACTS = "  （一）拨打电话：88000000。\n"
MORE = ("  （一）拨打电话：88000000。\n  （二）通过网站“联系我们”栏目留言。\n  （三）来信寄至福田区深南大道1号。\n")


def parsed(text: str):
    return parse_whitepaper(text.encode(), "futian-2016", "futian-2016.txt", lookups=Lookups()).tables


def test_footer_after_the_last_channel_is_skipped_and_noted():
    t = parsed(MINI.replace(CONTACTS, MORE) + "【打印本页】【关闭窗口】\n版权所有：福田区科技创新局  粤ICP备000号\n")
    assert list(t["contacts"].text_zh) == ["拨打电话：88000000。", "通过网站“联系我们”栏目留言。", "来信寄至福田区深南大道1号。"]
    chrome = t["quality_notes"][t["quality_notes"].flag == "site_chrome"]
    assert len(chrome) == 1 and chrome.detail.iloc[0].startswith("lines 29–30 after the contacts ('【打印本页】【关闭窗口】'")


def test_a_chrome_word_inside_the_channels_cuts_nothing_off():
    t = parsed(MINI.replace(CONTACTS, MORE.replace("  （二）", "相关链接\n  （二）")))
    assert len(t["contacts"]) == 3
    assert "site_chrome" not in set(t["quality_notes"].flag)


def test_a_publication_line_printed_under_the_text_gives_publisher_and_date():
    text = MINI.replace("信息来源：福田区科技创新局\n2016年02月01日\n", "") + "发布日期：2016-02-01  来源：福田区科技创新局\n【关闭】\n"
    doc = parsed(text)["documents"].iloc[0]
    assert (doc.publisher_zh, str(doc.published_date)) == ("福田区科技创新局", "2016-02-01")
