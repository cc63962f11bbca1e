"""flows/whitepaper/lookups.py: the reviewed English names under raw/lookups, and pinyin slugs for the rest."""

import re

import pytest

from flows.whitepaper.lookups import Lookups, load_lookups, pinyin_slug, unknown_department_id

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def test_load_lookups_reads_the_reviewed_files():
    lookups = load_lookups()
    assert lookups.categories["市政府重点工作"] == "key task of the municipal government"
    assert lookups.categories["民生实事"] == "people's livelihood project"
    assert lookups.departments[("szsti", "政策规划处")] == ("policy-planning", "Policy and Planning Division")
    assert lookups.departments[("szsti", "高新区发展处")] == ("high-tech-zone-development", "High-Tech Zone Development Division")
    assert {name for agency, name in lookups.departments if agency == "szsti"} >= {
        "政策规划处", "创新支撑处", "创新服务处", "社会发展处", "产业化处", "应用促进处", "综合计划处", "高新区发展处"}


def test_reviewed_departments_have_ascii_slugs_unique_per_agency_and_english_names():
    lookups = load_lookups()
    seen = set()
    for (agency, name_zh), (slug, name_en) in lookups.departments.items():
        assert SLUG.match(agency) and SLUG.match(slug), (agency, name_zh, slug)
        assert (agency, slug) not in seen, f"slug {slug} used twice for {agency}"
        seen.add((agency, slug))
        assert name_en.strip(), f"{name_zh} has no English name"


def test_load_lookups_from_another_folder_strips_cells_and_a_bom(tmp_path):
    (tmp_path / "categories.csv").write_text(
        "\ufeffcategory_zh,category_en\n 区政府重点工作 , key task of the district government \n", encoding="utf-8")
    (tmp_path / "departments.csv").write_text(
        "agency_id,name_zh,department_slug,name_en\nsztb,规划处 ,planning, Planning Division\n", encoding="utf-8")
    assert load_lookups(tmp_path) == Lookups(
        categories={"区政府重点工作": "key task of the district government"},
        departments={("sztb", "规划处"): ("planning", "Planning Division")},
    )


@pytest.mark.parametrize("name_zh, slug", [
    ("科技金融处", "ke-ji-jin-rong-chu"),
    ("建设处", "jian-she-chu"),
    ("综合处", "zong-he-chu"),
    ("行政处", "xing-zheng-chu"),          # a heteronym read in its common word
    ("重庆办事处", "chong-qing-ban-shi-chu"),
    ("12345热线", "12345-re-xian"),
    ("IT服务处", "it-fu-wu-chu"),
    ("（综合）处", "zong-he-chu"),
    ("", "unnamed"),
    ("（）", "unnamed"),
])
def test_pinyin_slug(name_zh, slug):
    assert pinyin_slug(name_zh) == slug
    assert SLUG.match(slug)


@pytest.mark.parametrize("names", [
    ["法制处", "法治处"],                 # homophones: fa-zhi-chu both
    ["𠀾处", "𪚥处", "🙂处", "処"],        # characters pypinyin cannot read, an emoji, a Japanese form
    ["综合处", "综合处 ", "綜合處", "综合处\u200b"],   # the same reading written differently stays apart
    ["", "（）", "…"],                    # nothing readable at all
])
def test_unknown_division_ids_are_valid_distinct_and_depend_on_the_name_alone(names):
    ids = [unknown_department_id("sztb", name) for name in names]
    assert all(SLUG.match(i) for i in ids), ids
    assert len(set(ids)) == len(names), ids
    assert ids == [unknown_department_id("sztb", name, {"sztb-other": "其他处"}) for name in names]


def test_unknown_division_id_lengthens_its_hash_rather_than_share_an_id():
    first = unknown_department_id("sztb", "法制处")
    assert unknown_department_id("sztb", "法制处", {first: "法制处"}) == first
    other = unknown_department_id("sztb", "法制处", {first: "别的处"})
    assert other != first and other.startswith(first) and SLUG.match(other)
