"""The demo set, built deterministically from the hand-written JSON under `data/`.

Pure: no database. Records come out as plain dicts shaped like the registry's input schemas, with
organisation references still given by the demo's short refs (`org_ref`, `parent_ref`); the loader
resolves them to ids by natural key. Identifiers that would be tedious to write by hand (unified social
credit codes with their check characters, patent publication numbers, DOIs, ORCID iDs) are derived
from each record's ref with a hash, so they never change between runs or machines.

Every identifier here is fictional: organisations, people, patents and DOIs (under Crossref's test
prefix 10.5555) do not exist.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from innobridge.registry.rules import ucc_check_char

SOURCE = "innobridge-demo"
DOI_PREFIX = "10.5555"  # Crossref's prefix for test DOIs: resolves nowhere, shaped like the real thing

_UCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Kind code of the registering authority + category (GB 32100): 91 enterprise, 12 public institution,
# 11 government body, 52 private non-enterprise unit.
_PATENT_PREFIX = {2021: "113", 2022: "115", 2023: "116", 2024: "118", 2025: "119"}


@dataclass
class DemoRecord:
    """One record of the demo set: input values plus the refs the loader resolves."""

    ref: str
    values: dict[str, Any]
    org_ref: str | None = None  # owning organisation (organisation_id)
    parent_ref: str | None = None  # organisations only: parent organisation (parent_id)


@dataclass
class DemoSet:
    organisations: list[DemoRecord] = field(default_factory=list)
    people: list[DemoRecord] = field(default_factory=list)
    instruments: list[DemoRecord] = field(default_factory=list)
    projects: list[DemoRecord] = field(default_factory=list)
    achievements: list[DemoRecord] = field(default_factory=list)
    needs: list[DemoRecord] = field(default_factory=list)
    datasets: list[DemoRecord] = field(default_factory=list)
    # need ref -> refs of the achievements that truly answer it (ground truth for matching demos)
    relevance: dict[str, list[str]] = field(default_factory=dict)

    def by_entity(self) -> dict[str, list[DemoRecord]]:
        return {
            "organisation": self.organisations,
            "person": self.people,
            "instrument": self.instruments,
            "project": self.projects,
            "achievement": self.achievements,
            "need": self.needs,
            "dataset": self.datasets,
        }

    def total(self) -> int:
        return sum(len(v) for v in self.by_entity().values())


def _data(name: str) -> Any:
    text = resources.files("innobridge.demo").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


def _hash(*parts: str) -> int:
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest(), 16)


def external_id(entity: str, ref: str) -> str:
    return f"demo:{entity}:{ref}"


# -- identifiers ---------------------------------------------------------------------------------


def gb11714_check(code8: str) -> str:
    """Check character of a 9-character organisation code (GB 11714): digits, letters A=10 … Z=35."""
    total = sum(int(c, 36) * w for c, w in zip(code8, _GB11714_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code(head: str, region: str, ref: str) -> str:
    """A well-formed, fictional unified social credit code (GB 32100) for the demo organisation `ref`."""
    n = _hash("ucc", ref)
    if head.startswith("9"):  # enterprises registered since 2015 carry "MA…" organisation codes
        tail = "".join(_UCC_ALPHABET[(n // 31**i) % 31] for i in range(5))
        org8 = "MA1" + tail
    else:
        org8 = f"425{n % 100000:05d}"
    body = head + region + org8 + gb11714_check(org8)
    return body + ucc_check_char(body)


def patent_number(ref: str, year: int, granted: bool) -> str:
    """CN publication number: CN + 9 digits + kind code (A: application published, B: granted)."""
    prefix = _PATENT_PREFIX.get(year, "117")
    return f"CN{prefix}{_hash('cn', ref) % 1_000_000:06d}{'B' if granted else 'A'}"


def doi(kind: str, ref: str, year: int) -> str:
    return f"{DOI_PREFIX}/ib-{kind}.{year}.{_hash('doi', ref) % 100000:05d}"


def orcid(ref: str) -> str:
    """A checksum-valid ORCID iD (ISO 7064 MOD 11-2) in the 0000-0002/0003 block."""
    base = f"00000002{_hash('orcid', ref) % 10**7:07d}"
    total = 0
    for ch in base:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    digits = base + ("X" if check == 10 else str(check))
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


# -- builders ------------------------------------------------------------------------------------


def _vis(item: dict[str, Any]) -> str:
    return str(item.get("vis", "public"))


def _organisations(raw: list[dict[str, Any]]) -> list[DemoRecord]:
    out = []
    for item in raw:
        v: dict[str, Any] = {
            k: item[k]
            for k in (
                "name_zh",
                "name_en",
                "kind",
                "moe_code",
                "region_code",
                "industry_codes",
                "high_tech",
                "foreign_rd",
                "website",
                "description",
            )
            if k in item
        }
        if item.get("ucc"):
            v["credit_code"] = credit_code(item["ucc"], item["region_code"], item["ref"])
        v["external_id"] = external_id("organisation", item["ref"])
        v["visibility"] = _vis(item)
        v["source"] = item.get("source", SOURCE)
        out.append(DemoRecord(item["ref"], v, parent_ref=item.get("parent")))
    return out


@dataclass
class _Expert:
    ref: str
    name: str
    org_ref: str
    cluster: str


def _people(
    spec: dict[str, Any], orgs: dict[str, dict[str, Any]], clusters: dict[str, Any]
) -> tuple[list[DemoRecord], list[_Expert]]:
    surnames, given, fields = spec["surnames"], spec["given"], spec["fields"]
    records, experts = [], []
    seen: set[str] = set()
    for i, (org_ref, cluster, title) in enumerate(spec["experts"]):
        j = 0
        while True:  # the first unused name in a fixed walk through the pools
            sz, sp = surnames[(i + j) % len(surnames)]
            gz, gp = given[(i * 7 + j) % len(given)]
            if sz + gz not in seen:
                break
            j += 1
        seen.add(sz + gz)
        name, ref = sz + gz, f"p{i + 1:03d}"
        org, f = orgs[org_ref], fields[cluster]
        kws = f["keywords"]
        keywords = [kws[(i + k) % (len(kws) - 1)] for k in range(3)] + [kws[-1]]  # three zh, one en
        foreign = org.get("foreign_rd", False)
        if foreign:
            profile = (
                f"{gp} {sp}, {title} at {org['name_en']}, works on {f['en']}; "
                f"interests: {', '.join(keywords)}. Leads local collaborations with universities."
            )
        else:
            profile = (
                f"{name}，{org['name_zh']}{title}。长期从事{f['zh']}研究，主要方向为"
                f"{'、'.join(keywords[:3])}。主持国家及市级科研项目{2 + i % 5}项，"
                f"发表论文{20 + (i * 13) % 90}篇，授权发明专利{1 + (i * 7) % 15}项。"
            )
        host = (org.get("website") or f"https://{org_ref.replace('_', '')}.example.org").split("//")[1]
        host = host.removeprefix("www.")
        v: dict[str, Any] = {
            "name_zh": name,
            "name_en": f"{gp} {sp}",
            "title": title,
            "discipline_codes": clusters[cluster]["disciplines"],
            "keywords": keywords,
            "profile": profile,
            "email": f"{gp.lower()}.{sp.lower()}@{host}",
            "external_id": external_id("person", ref),
            "visibility": "registered" if i % 9 == 8 else "public",
            "source": SOURCE,
        }
        if i % 3 == 0:
            v["orcid"] = orcid(ref)
        if i % 4 == 1:
            v["phone"] = f"021-{5000_0000 + _hash('tel', ref) % 4000_0000}"
        records.append(DemoRecord(ref, v, org_ref=org_ref))
        experts.append(_Expert(ref, name, org_ref, cluster))
    return records, experts


def _owners(experts: list[_Expert], org_ref: str, cluster: str, orgs: dict[str, dict[str, Any]]) -> str:
    same = [e.name for e in experts if e.org_ref == org_ref and e.cluster == cluster]
    rest = [e.name for e in experts if e.org_ref == org_ref and e.cluster != cluster]
    names = (same + rest)[:3]
    return "；".join(names) if names else str(orgs[org_ref]["name_zh"])


def _instruments(raw: list[dict[str, Any]], orgs: dict[str, dict[str, Any]]) -> list[DemoRecord]:
    out = []
    for i, item in enumerate(raw):
        ref = f"i{i + 1:03d}"
        org = orgs[item["org"]]
        v = {
            "name_zh": item["name_zh"],
            "name_en": item.get("name_en"),
            "model": item.get("model"),
            "maker": item.get("maker"),
            "category": item.get("category"),
            "asset_no": item["asset_no"],
            "location": f"{org['name_zh']} {item['location']}",
            "region_code": org["region_code"],
            "original_value": item["value"],
            "status": item.get("status", "in_service"),
            "sharing_terms": "对外开放共享：校（院）外用户在线预约，优先保障科研用途；可使用科技创新券支付。"
            if item.get("bookable", True)
            else "仅限本单位内部使用。",
            "fee": item.get("fee"),
            "bookable": item.get("bookable", True),
            "description": item.get("desc"),
            "external_id": external_id("instrument", ref),
            "visibility": _vis(item),
            "source": SOURCE,
        }
        out.append(DemoRecord(ref, v, org_ref=item["org"]))
    return out


def _approval_no(prog: str, ref: str, start: int, cluster: str) -> str:
    n = _hash("approval", ref)
    yy = start % 100
    if prog == "nkrd":
        letter = {"biopharma": "C", "med_device": "C", "agri": "D"}.get(cluster, "B")
        return f"{start}YF{letter}{3600000 + n % 400000:07d}"
    if prog in ("nsfc", "nsfc_key"):
        head = {"chip": "62", "nlp": "62", "ai_vision": "62", "biopharma": "82", "med_device": "82"}
        return f"{head.get(cluster, '52')}{yy % 10}{n % 100000:05d}"
    if prog.startswith("sh_"):
        return f"{yy}{511 + n % 9}{n % 1_000_000:06d}"
    if prog == "district":
        return f"QKW-{start}-{n % 1000:03d}"
    return f"HX{start}-{n % 10000:04d}"


def _projects(
    spec: dict[str, Any],
    orgs: dict[str, dict[str, Any]],
    clusters: dict[str, Any],
    experts: list[_Expert],
    people_kw: dict[str, list[str]],
) -> list[DemoRecord]:
    out = []
    for i, item in enumerate(spec["projects"]):
        ref = f"pr{i + 1:03d}"
        prog = spec["programmes"][item["prog"]]
        funder = prog["funder"] or orgs[item["funder_org"]]["name_zh"]
        pis = [e.name for e in experts if e.org_ref == item["org"] and e.cluster == item["c"]]
        pis = pis or [e.name for e in experts if e.org_ref == item["org"]]
        v = {
            "title": item["title"],
            "title_en": item.get("title_en"),
            "approval_no": _approval_no(item["prog"], ref, item["start"], item["c"]),
            "programme": prog["programme"],
            "funder": funder,
            "pi_name": pis[i % len(pis)] if pis else None,
            "budget": item["budget"],
            "start_year": item["start"],
            "end_year": item["end"],
            "status": item["status"],
            "discipline_codes": clusters[item["c"]]["disciplines"],
            "keywords": people_kw[item["c"]][:4],
            "abstract": item.get("abstract")
            or f"{item['title']}。项目由{orgs[item['org']]['name_zh']}承担，资助来源：{funder}。",
            "external_id": external_id("project", ref),
            "visibility": _vis(item),
            "source": SOURCE,
        }
        out.append(DemoRecord(ref, v, org_ref=item["org"]))
    return out


def _achievements(
    raw: list[dict[str, Any]],
    orgs: dict[str, dict[str, Any]],
    clusters: dict[str, Any],
    experts: list[_Expert],
) -> list[DemoRecord]:
    out = []
    for item in raw:
        ref, cl, kind, year = item["ref"], clusters[item["c"]], item["kind"], item["year"]
        trl = item.get("trl")
        v: dict[str, Any] = {
            "kind": kind,
            "title": item["title"],
            "title_en": item.get("title_en"),
            "abstract": item["abstract"],
            "keywords": item["keywords"],
            "owners": _owners(experts, item["org"], item["c"], orgs),
            "discipline_codes": cl["disciplines"],
            "ipc_codes": item.get("ipc", cl["ipc"]),
            "industry_codes": cl["industries"],
            "trl": trl if kind != "standard" else None,
            "transfer_modes": item["modes"],
            "asking_price": item.get("price"),
            "year": year,
            "language": item.get("lang", "zh"),
            "region_code": orgs[item["org"]]["region_code"],
            "external_id": external_id("achievement", ref),
            "visibility": _vis(item),
            "source": SOURCE,
        }
        if kind == "patent":
            granted = (trl or 0) >= 5
            v["ip_number"] = patent_number(ref, year, granted)
            v["ip_status"] = "有效（已授权）" if granted else "实质审查"
        elif kind == "paper":
            v["doi"] = doi("paper", ref, year)
        elif kind == "software":
            v["ip_number"] = f"{year}SR{_hash('sr', ref) % 10**7:07d}"  # software copyright registration
            v["ip_status"] = "已登记"
        elif kind == "new_variety":
            v["ip_number"] = f"CNA{year}{_hash('pvp', ref) % 10000:04d}.{_hash('pvp2', ref) % 10}"
            v["ip_status"] = "品种权已授权"
        elif kind == "standard":
            v["ip_number"] = f"T/SHTA {_hash('std', ref) % 100:03d}-{year}"
            v["ip_status"] = "现行"
        out.append(DemoRecord(ref, v, org_ref=item["org"]))
    return out


def _needs(
    raw: list[dict[str, Any]], orgs: dict[str, dict[str, Any]], clusters: dict[str, Any]
) -> list[DemoRecord]:
    out = []
    for item in raw:
        cl = clusters[item["c"]]
        lo, hi = item["budget"]
        v = {
            "title": item["title"],
            "description": item["description"],
            "keywords": item["keywords"],
            "discipline_codes": cl["disciplines"],
            "industry_codes": orgs[item["org"]].get("industry_codes") or cl["industries"],
            "budget_min": lo,
            "budget_max": hi,
            "deadline": date.fromisoformat(item["deadline"]),
            "cooperation_modes": item["modes"],
            "region_code": orgs[item["org"]]["region_code"],
            "external_id": external_id("need", item["ref"]),
            "visibility": _vis(item),
            "source": SOURCE,
        }
        out.append(DemoRecord(item["ref"], v, org_ref=item["org"]))
    return out


def _datasets(raw: list[dict[str, Any]], clusters: dict[str, Any]) -> list[DemoRecord]:
    out = []
    for item in raw:
        ref = item["ref"]
        v = {
            "title": item["title"],
            "title_en": item.get("title_en"),
            "description": item["description"],
            "keywords": item["keywords"],
            "discipline_codes": clusters[item["c"]]["disciplines"],
            "licence": item.get("licence"),
            "url": f"https://data.innobridge.example.org/datasets/{ref}",
            "format": item.get("format"),
            "doi": doi("data", ref, item["year"]),
            "year": item["year"],
            "external_id": external_id("dataset", ref),
            "visibility": _vis(item),
            "source": SOURCE,
        }
        out.append(DemoRecord(ref, v, org_ref=item["org"]))
    return out


@lru_cache(maxsize=1)
def _build() -> DemoSet:
    clusters = {k: v for k, v in _data("clusters.json").items() if not k.startswith("_")}
    raw_orgs = _data("organisations.json")
    orgs = {o["ref"]: o for o in raw_orgs}
    people_spec = _data("people.json")
    people, experts = _people(people_spec, orgs, clusters)
    people_kw = {c: f["keywords"] for c, f in people_spec["fields"].items()}
    raw_needs = _data("needs.json")
    return DemoSet(
        organisations=_organisations(raw_orgs),
        people=people,
        instruments=_instruments(_data("instruments.json"), orgs),
        projects=_projects(_data("projects.json"), orgs, clusters, experts, people_kw),
        achievements=_achievements(_data("achievements.json"), orgs, clusters, experts),
        needs=_needs(raw_needs, orgs, clusters),
        datasets=_datasets(_data("datasets.json"), clusters),
        relevance={n["ref"]: list(n["answers"]) for n in raw_needs},
    )


def build_demo() -> DemoSet:
    """The demo set (built once per process; callers must not mutate it)."""
    return _build()


def demo_relevance() -> dict[str, list[str]]:
    """Need external id -> external ids of the achievements that answer it (for matching demos/evals)."""
    return {
        external_id("need", n): [external_id("achievement", a) for a in answers]
        for n, answers in build_demo().relevance.items()
    }
