"""The workflow engine: a state machine is data, and one `apply` moves any item through it.

A feature declares a `Workflow` — its states, its actions (source states → target, whether a reason
and/or a reason code is required, the timestamp the move stamps, zh/en labels, the policy action that says
who may) — and calls `apply(...)` from the one service function that takes an action. `apply` checks, in
this order: the action exists, the actor may take it (core/policy), the caller saw the current version
(optimistic concurrency: a stale move is a 409, never applied twice), the move is legal from the current
state, the reason and reason code; then it moves the state, stamps the time, bumps the version, writes the
audit event (actor, from, to, reason, reason code), tells the index and queues the notifications — all in
the caller's unit of work, so none of it happens unless the whole change commits.

`allowed(actor, item)` lists the actions this actor may take now (legal ∧ permitted): service outputs
carry it so pages never decide again. `mermaid()` draws the state diagram that the docs embed (a test
fails when a docs page is stale).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from innobridge.core.errors import Conflict, FieldError, Invalid, NotFound
from innobridge.core.i18n import register
from innobridge.core.models import utcnow
from innobridge.core.notifications import notify
from innobridge.core.policy import Policy
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork

register(
    {
        "workflow.error.unknown_action": {"zh": "未知的操作：{action}", "en": "Unknown action: {action}"},
        "workflow.error.illegal_move": {
            "zh": "当前为“{state}”状态，不能执行“{action}”",
            "en": "It is {state_en} now; '{action_en}' is not possible",
        },
        "workflow.error.stale": {
            "zh": "该事项已被他人更新（版本 {current}，您看到的是版本 {seen}），请刷新后重试",
            "en": "Someone else changed this item (version {current}; you saw {seen}): reload and retry",
        },
        "workflow.error.race": {
            "zh": "该事项刚被他人更新，请刷新后重试",
            "en": "Someone else changed this item a moment ago: reload and retry",
        },
        "workflow.error.reason_code_required": {"zh": "请选择原因类别", "en": "Choose a reason"},
        "workflow.error.reason_required": {"zh": "请填写原因", "en": "Give a reason"},
        "workflow.error.unknown_reason_code": {
            "zh": "原因代码须为以下之一：{codes}",
            "en": "The reason code must be one of: {codes}",
        },
    }
)


# Every declared workflow by name (docs are generated from these; features register by declaring).
WORKFLOWS: dict[str, Workflow] = {}
BEGIN, END = "<!-- generated from the workflow table: do not edit by hand -->", "<!-- end of generated -->"


def render_docs_page(workflow: Workflow, current: str | None) -> str:
    """The docs page with its generated block replaced (or a new page when there is none yet)."""
    block = f"{BEGIN}\n{workflow.markdown()}\n{END}"
    if current and BEGIN in current and END in current:
        head, _, rest = current.partition(BEGIN)
        _, _, tail = rest.partition(END)
        return head + block + tail
    title = f"# The {workflow.name} workflow\n\n"
    return title + block + "\n"


def flush_versioned(session: Session) -> None:
    """Flush a change to a versioned row; a writer that raced us and won is a 409 `workflow.error.race`.

    The mapper's version column makes the UPDATE carry `WHERE version = seen` (PostgreSQL: no row →
    StaleDataError). On SQLite (WAL) a writer whose read snapshot predates another commit cannot write at
    all (SQLITE_BUSY_SNAPSHOT, "database is locked" despite the busy timeout): the same race."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict("workflow.error.race") from exc
    except OperationalError as exc:
        if "database is locked" not in str(exc.orig):
            raise
        raise Conflict("workflow.error.race") from exc


@dataclass(frozen=True)
class State:
    name: str
    label_zh: str
    label_en: str
    final: bool = False  # no action starts from it except explicit reopenings


@dataclass(frozen=True)
class ReasonCode:
    """One entry of an action's reason-code list (e.g. why a side declined)."""

    code: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Action:
    """One move of a workflow (one button)."""

    name: str
    sources: frozenset[str]
    target: str
    label_zh: str
    label_en: str
    permission: str  # the feature policy's action that says who may
    reason: bool = False  # a free-text reason is required
    reason_codes: tuple[ReasonCode, ...] = ()  # when not empty, one of these codes is required
    stamp: str | None = None  # timestamp attribute set by the move
    stamp_once: bool = True  # keep the first time (funnels measure "first reached"); False: every time
    clears: tuple[str, ...] = ()  # attributes reset to None by the move (e.g. reopening clears closed_at)

    def reason_label(self, code: str, lang: str = "zh") -> str:
        for rc in self.reason_codes:
            if rc.code == code:
                return rc.label_zh if lang == "zh" else rc.label_en
        return code


@dataclass(frozen=True)
class Transition:
    """What `apply` did; handed to the feature's `after` hook and returned to the service."""

    workflow: str
    item: Any
    action: Action
    actor: Principal
    from_state: str
    to_state: str
    reason: str | None
    reason_code: str | None
    at: datetime


@dataclass(frozen=True)
class Notice:
    """Who hears of a move: recipients (user ids) by item, and the message parameters and link."""

    recipients: Callable[[Session, Any], Iterable[int]]
    params: Callable[[Session, Transition], Mapping[str, str | int | None]]
    link: Callable[[Any], str]


@dataclass(frozen=True)
class Workflow:
    name: str  # the entity name: audit events, index changes and notification events use it
    states: tuple[State, ...]
    actions: tuple[Action, ...]
    policy: Policy
    state_attr: str = "state"
    version_attr: str = "version"
    notice: Notice | None = None
    # Feature side effects of a move, in the same unit of work (e.g. a signed introduction matches its need).
    after: Callable[[UnitOfWork, Transition], None] | None = None
    _by_name: dict[str, Action] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = {s.name for s in self.states}
        by_name: dict[str, Action] = {}
        for a in self.actions:
            if a.name in by_name:
                raise ValueError(f"{self.name}: action {a.name} declared twice")
            if not a.sources <= names or a.target not in names:
                raise ValueError(f"{self.name}: action {a.name} names an unknown state")
            if a.permission not in self.policy.rules:
                raise ValueError(f"{self.name}: action {a.name} needs policy action {a.permission!r}")
            by_name[a.name] = a
        object.__setattr__(self, "_by_name", by_name)
        WORKFLOWS[self.name] = self

    # --- reading the table ------------------------------------------------------------------------
    def state(self, name: str) -> State:
        return next(s for s in self.states if s.name == name)

    def action(self, name: str) -> Action:
        act = self._by_name.get(name)
        if act is None:
            raise NotFound("workflow.error.unknown_action", action=name)
        return act

    def legal(self, state: str) -> list[Action]:
        return [a for a in self.actions if str(state) in a.sources]

    def allowed(self, actor: Principal, item: Any) -> list[Action]:
        """The actions `actor` may take on `item` now: legal from its state and permitted."""
        state = str(getattr(item, self.state_attr))
        return [a for a in self.legal(state) if self.policy.may(a.permission, actor, item)]

    # --- moving -------------------------------------------------------------------------------------
    def apply(
        self,
        uow: UnitOfWork,
        *,
        actor: Principal,
        item: Any,
        action: str,
        version: int | None,
        reason: str | None = None,
        reason_code: str | None = None,
    ) -> Transition:
        """Take `action` on `item` (loaded in `uow.session`, ideally locked). `version` is the version the
        actor saw; None skips that check (the CLI and jobs), the database check still refuses races."""
        act = self.action(action)
        self.policy.require(act.permission, actor, item)
        current_version = getattr(item, self.version_attr)
        if version is not None and version != current_version:
            raise Conflict("workflow.error.stale", current=current_version, seen=version)
        before = str(getattr(item, self.state_attr))
        if before not in act.sources:
            state = self.state(before)
            raise Conflict(
                "workflow.error.illegal_move",
                state=state.label_zh,
                state_en=state.label_en,
                action=act.label_zh,
                action_en=act.label_en,
            )
        reason = reason.strip() if reason and reason.strip() else None
        errors = []
        if act.reason and not reason:
            errors.append(FieldError("reason", "workflow.error.reason_required"))
        codes = [rc.code for rc in act.reason_codes]
        if codes and not reason_code:
            errors.append(FieldError("reason_code", "workflow.error.reason_code_required"))
        elif codes and reason_code not in codes:
            errors.append(
                FieldError("reason_code", "workflow.error.unknown_reason_code", {"codes": ", ".join(codes)})
            )
        if not codes and reason_code:
            errors.append(FieldError("reason_code", "field.not_editable"))
        if errors:
            raise Invalid(errors)
        now = utcnow()
        current = getattr(item, self.state_attr)
        setattr(item, self.state_attr, type(current)(act.target) if current is not None else act.target)
        if act.stamp and (not act.stamp_once or getattr(item, act.stamp) is None):
            setattr(item, act.stamp, now)
        for attr in act.clears:
            setattr(item, attr, None)
        flush_versioned(uow.session)
        transition = Transition(self.name, item, act, actor, before, act.target, reason, reason_code, now)
        uow.audit(
            actor=actor,
            action=act.name,
            entity=self.name,
            entity_id=item.id,
            from_state=before,
            to_state=act.target,
            reason=reason,
            reason_code=reason_code,
        )
        uow.changed(self.name, item.id)
        if self.after is not None:
            self.after(uow, transition)
        self._notify(uow, transition)
        return transition

    def _notify(self, uow: UnitOfWork, transition: Transition) -> None:
        if self.notice is None:
            return
        item = transition.item
        recipients = set(self.notice.recipients(uow.session, item)) - {transition.actor.user_id}
        if recipients:
            notify(
                uow,
                user_ids=sorted(r for r in recipients if r is not None),
                event=f"{self.name}.{transition.action.name}",
                params=self.notice.params(uow.session, transition),
                link=self.notice.link(item),
                entity=self.name,
                entity_id=item.id,
            )

    # --- documentation ------------------------------------------------------------------------------
    def mermaid(self) -> str:
        """The state diagram (Mermaid stateDiagram-v2), generated from the table."""
        lines = ["stateDiagram-v2"]
        for s in self.states:
            lines.append(f"    {s.name}: {s.name} · {s.label_zh}")
        lines.append(f"    [*] --> {self.states[0].name}")
        for a in self.actions:
            for src in sorted(a.sources, key=[s.name for s in self.states].index):
                lines.append(f"    {src} --> {a.target}: {a.name}")
        for s in self.states:
            if s.final:
                lines.append(f"    {s.name} --> [*]")
        return "\n".join(lines)

    def markdown(self) -> str:
        """The docs section for this workflow: diagram plus the action table with who may."""
        who = dict(self.policy.table())
        rows = [
            "| action | 操作 | from | to | who may | reason | stamps |",
            "|---|---|---|---|---|---|---|",
        ]
        order = [s.name for s in self.states]
        for a in self.actions:
            need = []
            if a.reason:
                need.append("reason")
            if a.reason_codes:
                need.append("code: " + ", ".join(rc.code for rc in a.reason_codes))
            rows.append(
                f"| {a.name} ({a.label_en}) | {a.label_zh} | {', '.join(sorted(a.sources, key=order.index))} "
                f"| {a.target} | {who[a.permission]} | {'; '.join(need) or '—'} | {a.stamp or '—'} |"
            )
        return "\n".join(["```mermaid", self.mermaid(), "```", "", *rows])
