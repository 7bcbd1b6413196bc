"""UI labels of the web pages, zh and en (registered into the shared catalogue on import)."""

from __future__ import annotations

from innobridge.core.i18n import register

_UI: dict[str, tuple[str, str]] = {
    "ui.site_name": ("科创桥", "InnoBridge"),
    "ui.tagline": ("科技创新服务平台", "Science-and-technology innovation services"),
    "ui.skip_to_content": ("跳到正文", "Skip to content"),
    "ui.nav.home": ("首页", "Home"),
    "ui.nav.search": ("检索", "Search"),
    "ui.nav.records": ("资源", "Records"),
    "ui.nav.post_need": ("发布需求", "Post a need"),
    "ui.nav.post_achievement": ("发布成果", "Post an achievement"),
    "ui.nav.introductions": ("对接", "Introductions"),
    "ui.nav.contracts": ("技术合同", "Contracts"),
    "ui.nav.data": ("数据导入导出", "Data import & export"),
    "ui.nav.admin": ("管理", "Admin"),
    "ui.nav.account": ("我的账户", "My account"),
    "ui.nav.login": ("登录", "Log in"),
    "ui.nav.logout": ("退出", "Log out"),
    "ui.nav.register": ("注册", "Register"),
    "ui.nav.menu": ("菜单", "Menu"),
    "ui.lang.switch": ("English", "中文"),
    "ui.lang.label": ("语言", "Language"),
    "ui.footer": (
        "科创桥 · 数据按公开级别展示；内部记录仅对有权限的用户可见。",
        "InnoBridge · records are shown by visibility; internal records only to those allowed.",
    ),
    # Home
    "ui.home.title": ("科技创新资源一站式检索与对接", "Find and connect innovation resources"),
    "ui.home.lead": (
        "检索科技成果、专家人才、仪器设施、机构、项目与需求；发布需求获得智能匹配。",
        "Search achievements, experts, instruments, organisations, projects and needs; post a need "
        "and get ranked matches.",
    ),
    "ui.home.counts": ("资源概览", "At a glance"),
    "ui.home.recent": ("最新发布", "Recently added"),
    # Search
    "ui.search.placeholder": ("输入关键词，如：锂电池 隔膜", "Keywords, e.g. lithium battery separator"),
    "ui.search.button": ("检索", "Search"),
    "ui.search.title": ("检索", "Search"),
    "ui.search.results": ("共 {total} 条结果", "{total} results"),
    "ui.search.no_results": ("没有找到相关记录。", "No matching records."),
    "ui.search.facets": ("筛选", "Refine"),
    "ui.search.clear": ("清除筛选", "Clear filters"),
    "ui.search.unavailable": ("检索服务暂不可用", "Search is not available right now"),
    "facet.kind": ("类型", "Kind"),
    "facet.discipline": ("学科", "Discipline"),
    "facet.region": ("地区", "Region"),
    "facet.year": ("年份", "Year"),
    "facet.trl": ("技术成熟度", "TRL"),
    "facet.entity": ("资源类别", "Record type"),
    # Lists and records
    "ui.list.filter": ("筛选", "Filter"),
    "ui.list.keyword": ("名称包含", "Title contains"),
    "ui.list.kind": ("类型", "Kind"),
    "ui.list.region": ("地区代码", "Region code"),
    "ui.list.field": ("学科/行业/IPC 代码", "Discipline / industry / IPC code"),
    "ui.list.total": ("共 {total} 条", "{total} records"),
    "ui.list.empty": ("暂无记录。", "No records yet."),
    "ui.list.new": ("新建", "New"),
    "ui.list.export_csv": ("导出 CSV", "Export CSV"),
    "ui.list.export_xlsx": ("导出 Excel", "Export Excel"),
    "ui.list.any": ("全部", "Any"),
    "ui.page.prev": ("上一页", "Previous"),
    "ui.page.next": ("下一页", "Next"),
    "ui.page.of": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "ui.visibility.public": ("公开", "Public"),
    "ui.visibility.registered": ("注册用户可见", "Registered users"),
    "ui.visibility.internal": ("内部", "Internal"),
    "ui.yes": ("是", "Yes"),
    "ui.no": ("否", "No"),
    "ui.related.people": ("专家人才", "Experts"),
    "ui.related.instruments": ("仪器设施", "Instruments"),
    "ui.related.achievements": ("科技成果", "Achievements"),
    "ui.related.projects": ("科研项目", "Projects"),
    "ui.related.needs": ("技术需求", "Technology needs"),
    "ui.related.datasets": ("科学数据", "Data sets"),
    "ui.related.organisations": ("机构", "Institutions"),
    "ui.related.children": ("下属机构", "Member organisations"),
    "ui.related.parent": ("上级机构", "Parent organisation"),
    "ui.related.more": ("查看全部 {total} 条", "See all {total}"),
    # Accounts
    "ui.login.title": ("登录", "Log in"),
    "ui.login.email": ("邮箱", "E-mail"),
    "ui.login.password": ("密码", "Password"),
    "ui.login.submit": ("登录", "Log in"),
    "ui.login.no_account": ("还没有账户？", "No account yet?"),
    "ui.login.welcome": ("欢迎回来，{name}", "Welcome back, {name}"),
    "ui.register.title": ("注册", "Create an account"),
    "ui.register.name": ("姓名", "Name"),
    "ui.register.password_rule": (
        "至少 10 位，不能是常见密码",
        "At least 10 characters, not a commonly used password",
    ),
    "ui.register.password2": ("确认密码", "Repeat password"),
    "ui.register.submit": ("注册", "Register"),
    "ui.register.have_account": ("已有账户？", "Already registered?"),
    "ui.register.done": ("注册成功，欢迎！", "Welcome! Your account is ready."),
    "ui.logout.done": ("您已退出登录。", "You have logged out."),
    "ui.account.title": ("我的账户", "My account"),
    "ui.account.role": ("平台角色", "Platform role"),
    "ui.account.memberships": ("所属机构", "Organisations"),
    "ui.account.no_memberships": ("尚未加入任何机构。", "Not a member of any organisation yet."),
    "ui.account.tokens": ("API 令牌", "API tokens"),
    "ui.account.token_name": ("令牌名称", "Token name"),
    "ui.account.token_create": ("创建令牌", "Create token"),
    "ui.account.token_shown_once": (
        "请立即复制此令牌，它只显示一次：",
        "Copy this token now; it is shown only once:",
    ),
    "error.passwords_differ": ("两次输入的密码不一致", "The passwords differ"),
    "error.csrf": (
        "表单已过期或来源不明，请刷新页面后重试",
        "The form has expired or came from elsewhere; reload the page and try again",
    ),
    "error.page_not_found": ("页面不存在", "Page not found"),
    "error.page_not_found_lead": (
        "您要找的页面或记录不存在，或您没有查看权限。",
        "The page or record you asked for does not exist, or you may not see it.",
    ),
    "error.forbidden_lead": (
        "您没有执行此操作的权限。如有需要，请联系机构管理员。",
        "You may not do this. Ask your organisation's administrator if you need to.",
    ),
    "error.internal_lead": (
        "服务器出了点问题，我们已记录。请稍后再试。",
        "Something went wrong on our side; it has been logged. Please try again later.",
    ),
    "error.back_home": ("返回首页", "Back to the home page"),
    "error.form_has_errors": ("请修改下列标出的内容", "Please correct the fields marked below"),
    # Roles
    "role.member": ("成员", "Member"),
    "role.tech_manager": ("技术经理人", "Technology manager"),
    "role.programme_officer": ("项目主管", "Programme officer"),
    "role.platform_admin": ("平台管理员", "Platform admin"),
    "role.org_admin": ("机构管理员", "Organisation admin"),
    "role.org_member": ("机构成员", "Organisation member"),
    # Admin
    "ui.admin.title": ("用户与角色管理", "Users and roles"),
    "ui.admin.users": ("用户", "Users"),
    "ui.admin.search": ("按邮箱或姓名查找", "Find by e-mail or name"),
    "ui.admin.email": ("邮箱", "E-mail"),
    "ui.admin.name": ("姓名", "Name"),
    "ui.admin.role": ("角色", "Role"),
    "ui.admin.set_role": ("修改角色", "Change role"),
    "ui.admin.reason": ("原因（可选）", "Reason (optional)"),
    "ui.admin.memberships": ("机构成员关系", "Memberships"),
    "ui.admin.add_membership": ("加入机构", "Add to organisation"),
    "ui.admin.organisation_id": ("机构编号", "Organisation id"),
    "ui.admin.org_role": ("机构角色", "Role in organisation"),
    "ui.admin.role_changed": ("角色已更新。", "Role updated."),
    "ui.admin.membership_set": ("成员关系已更新。", "Membership updated."),
    "ui.admin.organisations": ("机构管理", "Organisations"),
    "ui.admin.active": ("状态", "Status"),
    "ui.admin.is_active": ("正常", "Active"),
    "ui.admin.inactive": ("已停用", "Inactive"),
    # Matching
    "ui.match.title": ("匹配结果", "Matches"),
    "ui.match.for_need": ("需求「{title}」的匹配", "Matches for the need “{title}”"),
    "ui.match.for_achievement": ("成果「{title}」的潜在需求方", "Candidate adopters for “{title}”"),
    "ui.match.score": ("匹配度", "Score"),
    "ui.match.reasons": ("推荐理由", "Why"),
    "ui.match.none": ("暂未找到匹配。", "No matches yet."),
    "ui.match.introduce": ("发起对接", "Introduce"),
    "ui.match.introduced": ("已发起对接。", "Introduction created."),
    "ui.match.unavailable": ("匹配服务暂不可用", "Matching is not available right now"),
    "ui.intro.title": ("对接工作台", "Introductions"),
    "ui.intro.state": ("状态", "State"),
    "ui.intro.need": ("需求", "Need"),
    "ui.intro.candidate": ("对接对象", "Candidate"),
    "ui.intro.manager": ("技术经理人", "Manager"),
    "ui.intro.reason": ("说明（可选）", "Note (optional)"),
    "ui.intro.move": ("推进", "Move"),
    "ui.intro.moved": ("状态已更新。", "State updated."),
    "ui.intro.history": ("流转记录", "History"),
    "ui.intro.none": ("暂无对接。", "No introductions yet."),
    "ui.intro.actions": ("可执行操作", "Actions"),
}


def _register() -> None:
    register({k: {"zh": zh, "en": en} for k, (zh, en) in _UI.items()})


_register()


_ENUMS: dict[str, dict[str, tuple[str, str]]] = {
    "Visibility": {
        "public": ("公开", "Public"),
        "registered": ("注册用户可见", "Registered users"),
        "internal": ("内部", "Internal"),
    },
    "Role": {
        "member": ("成员", "Member"),
        "tech_manager": ("技术经理人", "Technology manager"),
        "programme_officer": ("项目主管", "Programme officer"),
        "platform_admin": ("平台管理员", "Platform admin"),
    },
    "OrgRole": {
        "member": ("机构成员", "Member"),
        "org_admin": ("机构管理员", "Organisation admin"),
    },
}

register(
    {
        f"enum.{name}.{value}": {"zh": zh, "en": en}
        for name, values in _ENUMS.items()
        for value, (zh, en) in values.items()
    }
)
