"""An introduction seen by each of its people, each in their own browser: the manager brokers it, the
enterprise that posted the need hears of it in its inbox and declines with a reason, and the research
holder (the candidate's side) finds it in its own list with the whole timeline."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import LiveServer, log_in, shot

ACHIEVEMENT = "一种高安全性固态锂电池电解质及其制备方法"


def _actor(browser: Browser, server: LiveServer, who: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, server, who)
    return context, page


def test_each_side_of_an_introduction_sees_and_acts_on_it(browser: Browser, live_server: LiveServer) -> None:
    manager_ctx, manager = _actor(browser, live_server, "manager")
    enterprise_ctx, enterprise = _actor(browser, live_server, "enterprise")
    researcher_ctx, researcher = _actor(browser, live_server, "researcher")
    try:
        # The manager introduces the need to the university's achievement and makes contact.
        manager.goto(f"{live_server.url}/needs/{live_server.data.need_id}/matches")
        card = manager.locator("section[data-list=achievements] article.result", has_text=ACHIEVEMENT)
        card.locator("form button").click()
        expect(manager.get_by_test_id("state")).to_have_text("待联系")
        intro_url = manager.url
        manager.locator("form[data-action=contact] button").click()
        expect(manager.get_by_test_id("state")).to_have_text("已联系")
        # Before contact the university was not a party; now it is, and it is told.
        researcher.goto(live_server.url + "/")
        expect(researcher.get_by_test_id("unread-count")).to_be_visible()
        researcher.goto(live_server.url + "/introductions")
        expect(researcher.locator("table.list")).to_contain_text(ACHIEVEMENT)

        # The enterprise hears of both moves in its inbox and follows the link to the introduction.
        enterprise.goto(live_server.url + "/inbox")
        notice = enterprise.get_by_test_id("notification").filter(has_text="已联系").first
        notice.locator("button[name=open]").click()  # opening marks it read and follows its link
        enterprise.wait_for_url(intro_url)
        # It may step back, but not broker: only decline and withdraw are offered.
        expect(enterprise.locator("form[data-action=negotiate]")).to_have_count(0)
        decline = enterprise.locator("form[data-action=decline]")
        decline.locator("select[name=reason_code]").select_option("timing")
        decline.locator("input[name=reason]").fill("明年再议")
        decline.locator("button").click()
        expect(enterprise.get_by_test_id("state")).to_have_text("已谢绝")
        shot(enterprise, "introduction-declined-by-enterprise")

        # The manager, on a page loaded before the decline, cannot move it on a stale version.
        manager.locator("form[data-action=negotiate] button").click()
        expect(manager.locator("body")).to_contain_text("刷新")

        # The research holder sees the decline, its reason and the whole timeline.
        researcher.goto(intro_url)
        expect(researcher.get_by_test_id("state")).to_have_text("已谢绝")
        timeline = researcher.get_by_test_id("timeline")
        expect(timeline).to_contain_text("已联系")
        expect(timeline).to_contain_text("时机不合适")
        expect(timeline).to_contain_text("明年再议")
    finally:
        for c in (manager_ctx, enterprise_ctx, researcher_ctx):
            c.close()
