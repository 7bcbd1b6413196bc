"""Pydantic input/output schemas of registry records. Field titles are the Chinese column labels
(accepted as import headers); descriptions are the English documentation (`innobridge schema ENTITY`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    create_model,
    model_validator,
)

from innobridge.core.models import Visibility
from innobridge.core.security import StorableText
from innobridge.core.timestamps import UtcDateTime
from innobridge.registry import rules
from innobridge.registry.models import (
    AchievementKind,
    InstrumentStatus,
    OrgKind,
    ProjectStatus,
)


def _codes(pattern: Any, what: str) -> Any:
    def check(values: list[str]) -> list[str]:
        for v in values:
            if not pattern.match(v):
                raise ValueError(f"'{v}' is not a {what} code")
        return values

    return check


def _blank_to_none(v: Any) -> Any:
    return None if isinstance(v, str) and not v.strip() else v


def _ucc(v: str | None) -> str | None:
    if v is not None and not rules.is_valid_credit_code(v):
        raise ValueError("not a valid unified social credit code (GB 32100: 18 characters, check digit)")
    return v


def _region(v: str | None) -> str | None:
    if v is not None and not rules.REGION_RE.match(v):
        raise ValueError("region codes have six digits (GB/T 2260)")
    return v


def _texts_only(v: Any) -> Any:
    """A list field takes text ('a;b'), a number from a spreadsheet cell, or a list of those: not a nested
    list, an object or true/false, which split_list would otherwise turn into text."""
    items = v if isinstance(v, list | tuple) else [v]
    if any(isinstance(i, bool | list | tuple | dict) for i in items):
        raise ValueError("a list of texts (or one text separated by ;)")
    return v


# Pydantic runs "before" validators last-declared first: _texts_only looks at the input before splitting.
StrList = Annotated[list[str], BeforeValidator(rules.split_list), BeforeValidator(_texts_only)]
Disciplines = Annotated[StrList, AfterValidator(_codes(rules.DISCIPLINE_RE, "GB/T 13745 discipline"))]
Industries = Annotated[StrList, AfterValidator(_codes(rules.INDUSTRY_RE, "GB/T 4754 industry"))]
IpcCodes = Annotated[
    list[str],
    BeforeValidator(lambda v: [c.replace(" ", "").upper() for c in rules.split_list(v)]),
    BeforeValidator(_texts_only),
    AfterValidator(_codes(rules.IPC_RE, "IPC")),
]
OptStr = Annotated[str | None, BeforeValidator(_blank_to_none)]
Text = Annotated[str | None, BeforeValidator(_blank_to_none)]
Region = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_region)]
Money = Annotated[
    Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)] | None, BeforeValidator(_blank_to_none)
]
# A reference to another record: an id that fits the database's integer column (else a 422, never a 500).
RefId = Annotated[Annotated[int, Field(ge=1, le=2**31 - 1)] | None, BeforeValidator(_blank_to_none)]
Year = Annotated[Annotated[int, Field(ge=1900, le=2100)] | None, BeforeValidator(_blank_to_none)]
Trl = Annotated[Annotated[int, Field(ge=1, le=9)] | None, BeforeValidator(_blank_to_none)]
OptDate = Annotated[date | None, BeforeValidator(_blank_to_none)]
Flag = Annotated[
    bool,
    BeforeValidator(lambda v: {"是": True, "否": False, "": False, None: False}.get(v, v)),
]


class _In(StorableText):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid", use_enum_values=False)

    visibility: Visibility = Field(
        Visibility.public, title="公开级别", description="public / registered / internal"
    )
    source: OptStr = Field(None, title="来源", description="Where the record came from", max_length=200)
    external_id: OptStr = Field(
        None, title="外部编号", description="Identifier in the source system", max_length=100
    )


class _Owned(_In):
    organisation_id: RefId = Field(
        None,
        title="所属机构",
        description="Owning organisation (id; in files: credit code, key or exact name)",
    )


class OrganisationIn(_In):
    name_zh: str = Field(title="机构名称", description="Name in Chinese", min_length=1, max_length=300)
    name_en: OptStr = Field(None, title="英文名称", description="Name in English", max_length=300)
    kind: OrgKind = Field(
        title="机构类型", description="university, research_institute, key_lab, enterprise …"
    )
    credit_code: Annotated[OptStr, AfterValidator(_ucc)] = Field(
        None, title="统一社会信用代码", description="18-character unified social credit code"
    )
    moe_code: OptStr = Field(None, title="学校标识码", description="10-digit MOE code", pattern=r"^\d{10}$")
    region_code: Region = Field(None, title="行政区划代码", description="GB/T 2260 six-digit region code")
    industry_codes: Industries = Field(default_factory=list, title="行业代码", description="GB/T 4754 codes")
    high_tech: Flag = Field(False, title="高新技术企业", description="Certified high-tech enterprise")
    foreign_rd: Flag = Field(False, title="外资研发中心", description="Foreign-invested R&D centre")
    parent_id: RefId = Field(None, title="上级机构", description="Parent organisation (id; in files: key)")
    website: OptStr = Field(None, title="网址", description="Web site", max_length=300)
    description: Text = Field(None, title="简介", description="Description")


class PersonIn(_Owned):
    name_zh: str = Field(title="姓名", description="Name in Chinese", min_length=1, max_length=100)
    name_en: OptStr = Field(None, title="英文姓名", description="Name in English", max_length=200)
    title: OptStr = Field(None, title="职称", description="Professional title", max_length=100)
    discipline_codes: Disciplines = Field(default_factory=list, title="学科代码", description="GB/T 13745")
    keywords: StrList = Field(default_factory=list, title="关键词", description="Research keywords")
    profile: Text = Field(None, title="简历", description="Profile")
    email: OptStr = Field(
        None, title="邮箱", description="E-mail (shown to registered users only)", max_length=254
    )
    phone: OptStr = Field(
        None, title="电话", description="Phone (shown to registered users only)", max_length=40
    )
    orcid: OptStr = Field(
        None, title="ORCID", description="ORCID iD", pattern=r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$"
    )


class InstrumentIn(_Owned):
    name_zh: str = Field(title="仪器名称", description="Name in Chinese", min_length=1, max_length=300)
    name_en: OptStr = Field(None, title="英文名称", description="Name in English", max_length=300)
    model: OptStr = Field(None, title="型号", description="Model", max_length=200)
    maker: OptStr = Field(None, title="生产厂商", description="Manufacturer", max_length=200)
    category: OptStr = Field(None, title="仪器类别", description="Category", max_length=100)
    asset_no: OptStr = Field(None, title="资产编号", description="Asset number (natural key)", max_length=100)
    location: OptStr = Field(None, title="放置地点", description="Location", max_length=300)
    region_code: Region = Field(None, title="行政区划代码", description="GB/T 2260 region code")
    original_value: Money = Field(None, title="原值（元）", description="Original value in yuan")
    status: InstrumentStatus = Field(
        InstrumentStatus.in_service, title="运行状态", description="in_service …"
    )
    sharing_terms: Text = Field(None, title="共享方式", description="Sharing terms")
    fee: OptStr = Field(None, title="收费标准", description="Fee", max_length=200)
    bookable: Flag = Field(True, title="可预约", description="Open for bookings")
    description: Text = Field(None, title="简介", description="Description")


class ProjectIn(_Owned):
    title: str = Field(title="项目名称", description="Title", min_length=1, max_length=500)
    title_en: OptStr = Field(None, title="英文名称", description="Title in English", max_length=500)
    approval_no: OptStr = Field(
        None, title="批准号", description="Approval number (natural key)", max_length=100
    )
    programme: OptStr = Field(None, title="项目类别", description="Programme", max_length=200)
    funder: OptStr = Field(None, title="资助机构", description="Funder", max_length=200)
    pi_name: OptStr = Field(None, title="负责人", description="Principal investigator", max_length=100)
    budget: Money = Field(None, title="经费（万元）", description="Budget in 10,000 yuan")
    start_year: Year = Field(None, title="开始年份", description="Start year")
    end_year: Year = Field(None, title="结束年份", description="End year")
    status: ProjectStatus = Field(ProjectStatus.ongoing, title="项目状态", description="planned, ongoing …")
    discipline_codes: Disciplines = Field(default_factory=list, title="学科代码", description="GB/T 13745")
    keywords: StrList = Field(default_factory=list, title="关键词", description="Keywords")
    abstract: Text = Field(None, title="摘要", description="Abstract")

    @model_validator(mode="after")
    def _period(self) -> ProjectIn:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValueError("end_year is before start_year")
        return self


class AchievementIn(_Owned):
    kind: AchievementKind = Field(title="成果类型", description="patent, paper, technology, software …")
    title: str = Field(title="成果名称", description="Title", min_length=1, max_length=500)
    title_en: OptStr = Field(None, title="英文名称", description="Title in English", max_length=500)
    abstract: Text = Field(None, title="摘要", description="Abstract")
    keywords: StrList = Field(default_factory=list, title="关键词", description="Keywords")
    owners: OptStr = Field(None, title="完成人", description="Owners / inventors as written", max_length=500)
    discipline_codes: Disciplines = Field(default_factory=list, title="学科代码", description="GB/T 13745")
    ipc_codes: IpcCodes = Field(default_factory=list, title="IPC分类号", description="IPC classes")
    industry_codes: Industries = Field(default_factory=list, title="行业代码", description="GB/T 4754")
    trl: Trl = Field(None, title="技术成熟度", description="TRL 1–9")
    ip_number: OptStr = Field(None, title="专利号", description="Patent/publication number", max_length=100)
    doi: OptStr = Field(None, title="DOI", description="DOI (natural key for papers)", max_length=200)
    ip_status: OptStr = Field(None, title="法律状态", description="IP status", max_length=50)
    transfer_modes: StrList = Field(default_factory=list, title="转化方式", description="transfer, licence …")
    asking_price: Money = Field(None, title="意向价格（万元）", description="Asking price in 10,000 yuan")
    year: Year = Field(None, title="年份", description="Year")
    language: str = Field("zh", title="语言", description="zh or en", pattern=r"^(zh|en)$")
    region_code: Region = Field(None, title="行政区划代码", description="GB/T 2260 region code")


class NeedIn(_Owned):
    title: str = Field(title="需求名称", description="Title", min_length=1, max_length=500)
    description: Text = Field(None, title="需求描述", description="What is needed")
    keywords: StrList = Field(default_factory=list, title="关键词", description="Keywords")
    discipline_codes: Disciplines = Field(default_factory=list, title="学科代码", description="GB/T 13745")
    industry_codes: Industries = Field(default_factory=list, title="行业代码", description="GB/T 4754")
    budget_min: Money = Field(None, title="预算下限（万元）", description="Budget from, 10,000 yuan")
    budget_max: Money = Field(None, title="预算上限（万元）", description="Budget to, 10,000 yuan")
    deadline: OptDate = Field(None, title="截止日期", description="Deadline (YYYY-MM-DD)")
    cooperation_modes: StrList = Field(
        default_factory=list, title="合作方式", description="transfer, licence …"
    )
    region_code: Region = Field(None, title="行政区划代码", description="GB/T 2260 region code")

    @model_validator(mode="after")
    def _budget(self) -> NeedIn:
        if self.budget_min is not None and self.budget_max is not None and self.budget_max < self.budget_min:
            raise ValueError("budget_max is below budget_min")
        return self


class DatasetIn(_Owned):
    title: str = Field(title="数据集名称", description="Title", min_length=1, max_length=500)
    title_en: OptStr = Field(None, title="英文名称", description="Title in English", max_length=500)
    description: Text = Field(None, title="描述", description="Description")
    keywords: StrList = Field(default_factory=list, title="关键词", description="Keywords")
    discipline_codes: Disciplines = Field(default_factory=list, title="学科代码", description="GB/T 13745")
    licence: OptStr = Field(None, title="许可协议", description="Licence", max_length=100)
    url: OptStr = Field(None, title="访问地址", description="URL", max_length=500)
    format: OptStr = Field(None, title="格式", description="Format", max_length=50)
    doi: OptStr = Field(None, title="DOI", description="DOI", max_length=200)
    year: Year = Field(None, title="年份", description="Year")


class RecordMeta(BaseModel):
    """Read-only fields every record carries on output."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    created_at: UtcDateTime
    updated_at: UtcDateTime
    created_by_id: int | None = None
    # What the acting user may do with this record now (registry/policy.py), so pages never decide again.
    allowed_actions: list[str] = Field(default_factory=list)


def out_schema(schema_in: type[BaseModel], extra: dict[str, Any] | None = None) -> type[BaseModel]:
    """Output schema = input fields (not forbidding extras) + record metadata."""
    fields: dict[str, Any] = {}
    for name, f in schema_in.model_fields.items():
        fields[name] = (f.annotation, f)
    for name, spec in (extra or {}).items():
        fields[name] = spec
    name = schema_in.__name__.removesuffix("In") + "Out"
    return create_model(name, __base__=RecordMeta, **fields)


T = TypeVar("T", bound=BaseModel)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int
