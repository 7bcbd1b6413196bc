"""Find, post and match, introductions, data import/export, visibility — in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, LiveServer, log_in, shot

pytestmark = pytest.mark.browser


def test_search_with_a_facet_and_highlighting(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    page.fill("#home-q", "锂电池")
    page.press("#home-q", "Enter")
    expect(page.locator("article.result").first).to_be_visible()
    expect(page.locator("article.result mark").first).to_have_text("锂电池")
    assert page.locator("article.result[data-kind=person]").count() >= 1
    page.locator("ul[data-facet=kind] a[data-value=achievement]").click()
    expect(page.locator("ul[data-facet=kind] a.on")).to_have_attribute("data-value", "achievement")
    kinds = page.locator("article.result").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds and set(kinds) == {"achievement"}
    shot(page, "search-facet")


def test_anonymous_visitor_cannot_see_an_internal_record(page: Page, live_server: LiveServer) -> None:
    internal = live_server.data.internal_achievement_id
    response = page.goto(f"{live_server.url}/achievements/{internal}")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    shot(page, "anonymous-404")
    page.goto(live_server.url + "/search?q=隔膜")
    expect(page.get_by_test_id("total")).to_be_visible()
    assert "内部保密" not in page.content()
    page.goto(live_server.url + "/achievements")
    assert "内部保密" not in page.content()
    # A technology manager does see it.
    log_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/achievements/{internal}")
    expect(page.locator("h1")).to_contain_text("内部保密电池隔膜涂层工艺")


def test_post_a_need_and_see_matches_with_reasons(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, "enterprise")
    page.goto(live_server.url + "/needs/new")
    shot(page, "need-form")
    page.fill("#f-title", "")
    page.fill("#f-budget_min", "50")
    page.fill("#f-budget_max", "10")
    page.click("form.record-form button[type=submit]")
    expect(page.locator("p.error[data-field=title]")).to_be_visible()
    shot(page, "need-form-errors")
    page.fill("#f-title", "固态锂电池电解质技术合作")
    page.fill("#f-description", "寻求高安全性固态电解质，用于动力锂电池。")
    page.fill("#f-keywords", "锂电池, 固态电解质")
    page.fill("#f-budget_min", "10")
    page.fill("#f-budget_max", "50")
    page.click("form.record-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/needs/\d+/matches$"))
    first = page.locator("section[data-list=achievements] article.result").first
    expect(first).to_contain_text("固态锂电池电解质")
    expect(first.locator("ul.reasons li").first).to_contain_text("共同关键词")
    expect(page.locator("section[data-list=experts] article.result").first).to_contain_text("李明")
    shot(page, "need-matches")


def test_manager_introduces_a_suggestion_and_moves_it_forward(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/needs/{live_server.data.need_id}/matches")
    candidate = page.locator("section[data-list=experts] article.result").first
    candidate.locator("form button").click()
    expect(page.get_by_test_id("state")).to_have_text("待联系")
    page.locator("form[data-action=contact] button").click()
    expect(page.locator(".flash")).to_contain_text("状态已更新")
    expect(page.get_by_test_id("state")).to_have_text("已联系")
    page.locator("form[data-action=negotiate] button").click()
    expect(page.get_by_test_id("state")).to_have_text("洽谈中")
    # Declining needs a reason: the error shows, the state stays.
    page.locator("form[data-action=decline] button").click()
    expect(page.locator(".form-error").first).to_contain_text("请填写原因")
    expect(page.locator(".form-error").nth(1)).to_contain_text("请选择原因类别")
    expect(page.get_by_test_id("state")).to_have_text("洽谈中")
    shot(page, "introduction")
    decline = page.locator("form[data-action=decline]")
    decline.locator("select[name=reason_code]").select_option("price")
    decline.locator("input[name=reason]").fill("报价超出预算")
    decline.locator("button").click()
    expect(page.get_by_test_id("state")).to_have_text("已谢绝")
    expect(page.get_by_test_id("timeline")).to_contain_text("价格或条件不合适")
    page.goto(live_server.url + "/introductions")
    expect(page.locator("table.list")).to_contain_text("已谢绝")


def test_research_holder_sees_candidate_needs_for_an_achievement(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/achievements/{live_server.data.public_achievement_id}/matches")
    needs = page.locator("section[data-list=needs]")
    expect(needs).to_contain_text("动力电池热失控")
    expect(needs.locator("ul.reasons li").first).to_be_visible()


def test_import_with_bad_rows_and_download_the_report(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, "officer")
    page.goto(live_server.url + "/data")
    ARTIFACTS.mkdir(exist_ok=True)
    upload = ARTIFACTS / "upload-instruments.csv"
    upload.write_text(
        "仪器名称,型号,所属机构,原值（元）\n"
        "透射电子显微镜,JEM-2100F,东海理工大学,3500000\n"
        ",X1,东海理工大学,100\n"
        "核磁共振波谱仪,AV-600,不存在的机构,abc\n",
        encoding="utf-8",
    )
    page.select_option("#f-entity", "instrument")
    page.set_input_files("#f-file", str(upload))
    page.click("form.stack button[type=submit]")
    expect(page.get_by_test_id("accepted")).to_have_text("1")
    expect(page.get_by_test_id("rejected")).to_have_text("2")
    expect(page.get_by_test_id("row-errors")).to_contain_text("不存在的机构")
    shot(page, "import-result")
    with page.expect_download() as info:
        page.get_by_test_id("report-link").click()
    saved = Path(info.value.path())
    text = saved.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "row,field,code,message_zh,message_en,value"
    assert any(line.startswith("3,") for line in text.splitlines())
    assert any(line.startswith("4,") for line in text.splitlines())
    # The accepted row is a record now, and the list exports.
    page.goto(live_server.url + "/instruments?q=透射")
    expect(page.get_by_test_id("total")).to_contain_text("1")
    with page.expect_download() as export:
        page.locator("p.exports a").first.click()
    exported = Path(export.value.path()).read_text(encoding="utf-8-sig")
    assert "透射电子显微镜" in exported and "场发射" not in exported


def test_phone_layout_has_a_menu(page: Page, live_server: LiveServer) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/achievements")
    nav = page.locator("#site-nav")
    expect(nav).to_be_hidden()
    page.locator(".nav-toggle").click()
    expect(nav).to_be_visible()
    shot(page, "phone-menu")
