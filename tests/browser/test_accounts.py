"""Register, log in and out, switch language — in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, log_in, shot

pytestmark = pytest.mark.browser


def test_register_log_out_and_log_in(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/register")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.fill("#f-email", "newcomer@example.org")
    page.fill("#f-name", "新用户")
    page.fill("#f-password", "short")
    page.fill("#f-password2", "short")
    page.click("form.stack button[type=submit]")
    # The error sits next to the password field.
    expect(page.locator("p.error[data-field=password]")).to_contain_text("至少 10 位")
    shot(page, "register-errors")
    page.fill("#f-password", "long-enough-99")
    page.fill("#f-password2", "long-enough-99")
    page.click("form.stack button[type=submit]")
    expect(page).to_have_url(live_server.url + "/account")
    expect(page.get_by_test_id("role")).to_have_text("成员")
    page.click("header .user form[action='/logout'] button")
    expect(page.locator("header .user")).to_contain_text("登录")
    page.goto(live_server.url + "/login")
    page.fill("#f-email", "newcomer@example.org")
    page.fill("#f-password", "long-enough-99")
    page.click("form.stack button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("欢迎回来")
    expect(page.locator("header .who")).to_have_text("新用户")


def test_language_switch_persists(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/organisations")
    expect(page.locator("h1")).to_have_text("机构")
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Organisations")
    page.goto(live_server.url + "/")  # another page, same language (cookie)
    expect(page.locator("h1")).to_have_text("Find and connect innovation resources")
    shot(page, "home-en")
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_wrong_password_is_refused_then_rate_limited(page: Page, live_server: LiveServer) -> None:
    for _ in range(5):
        page.goto(live_server.url + "/login")
        page.fill("#f-email", "nobody@example.org")
        page.fill("#f-password", "wrong-password-1")
        page.click("form.stack button[type=submit]")
        expect(page.locator(".form-error")).to_contain_text("邮箱或密码错误")
    page.fill("#f-password", "wrong-password-1")
    page.click("form.stack button[type=submit]")
    expect(page.locator(".form-error")).to_contain_text("尝试次数过多")


def test_admin_changes_a_role(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, "admin")
    page.goto(live_server.url + "/admin/users?q=prof")
    row = page.locator("tr[data-user='prof@example.edu']")
    row.locator("select[name=role]").select_option("tech_manager")
    row.locator("form[action$='/role'] button").click()
    expect(page.locator(".flash")).to_contain_text("角色已更新")
    expect(page.locator("tr[data-user='prof@example.edu'] select[name=role]")).to_have_value("tech_manager")
    shot(page, "admin-users")
