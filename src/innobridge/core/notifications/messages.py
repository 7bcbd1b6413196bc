"""Messages of the notification mechanism itself (features register their events' texts)."""

from __future__ import annotations

from innobridge.core.i18n import register

register(
    {
        "notify.mail_test.subject": {"zh": "InnoBridge 测试邮件", "en": "InnoBridge test message"},
        "notify.mail_test.body": {
            "zh": "这是一封测试邮件：邮件发送配置可用。",
            "en": "This is a test message: e-mail delivery works.",
        },
        "notify.mail.greeting": {"zh": "{name}，您好：", "en": "Hello {name},"},
        "notify.mail.open_link": {"zh": "查看详情：{url}", "en": "Open it here: {url}"},
        "notify.mail.footer": {
            "zh": "您收到此邮件是因为开启了该类通知的邮件提醒。可在“消息”页面的偏好设置中关闭：{url}",
            "en": "You receive this because e-mail is on for this kind of notice. "
            "Turn it off in the preferences of your inbox: {url}",
        },
        "notify.ui.inbox": {"zh": "消息", "en": "Inbox"},
        "notify.ui.unread": {"zh": "{count} 条未读", "en": "{count} unread"},
        "notify.ui.empty": {"zh": "暂无消息", "en": "No notifications yet"},
        "notify.ui.mark_read": {"zh": "标为已读", "en": "Mark read"},
        "notify.ui.mark_all_read": {"zh": "全部标为已读", "en": "Mark all read"},
        "notify.ui.marked_all": {"zh": "已将 {count} 条消息标为已读", "en": "Marked {count} as read"},
        "notify.ui.open": {"zh": "查看", "en": "Open"},
        "notify.ui.new": {"zh": "新", "en": "new"},
        "notify.ui.preferences": {"zh": "通知偏好", "en": "Notification preferences"},
        "notify.ui.preferences_help": {
            "zh": "站内消息始终保留；勾选的事件同时发送邮件。",
            "en": "Every notice stays in your inbox; ticked events are e-mailed too.",
        },
        "notify.ui.event": {"zh": "事件", "en": "Event"},
        "notify.ui.email": {"zh": "邮件", "en": "E-mail"},
        "notify.ui.save": {"zh": "保存偏好", "en": "Save preferences"},
        "notify.ui.saved": {"zh": "通知偏好已保存", "en": "Preferences saved"},
        "notify.ui.older": {"zh": "更早", "en": "Older"},
        "notify.ui.newer": {"zh": "更新", "en": "Newer"},
        "error.unknown_event": {"zh": "未知的通知事件 {event}", "en": "unknown notification event {event}"},
    }
)
