"""What a page says about itself to people citing it and to machines: BibTeX, schema.org JSON-LD.

Everything comes from datapackage.json (name, title, version, created, licences, contributors,
keywords, resources), so a citation names exactly the version of the data a page was built from.
The site does not know the address it will be served from: a permalink is the page's path in the
site, which the page's script turns into its full address when it is opened.
"""

from __future__ import annotations

import json
import re
from typing import Any

from commitment_tracker.datapackage import paths
from commitment_tracker.publish.site.model import SiteData

# LaTeX's special characters, escaped so that a title holding one still compiles.
_BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_^~])")
_BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}
# Characters that would end or confuse an inline <script> block holding JSON.
_JSON_IN_HTML = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def authors(data: SiteData) -> list[str]:
    """Contributors with the role "author" (every contributor when none has a role)."""
    people = [c for c in data.descriptor.get("contributors") or [] if isinstance(c, dict)]
    named = [c for c in people if "author" in (c.get("roles") or [])] or people
    return [str(c.get("title") or c.get("name")) for c in named if c.get("title") or c.get("name")]


def year(data: SiteData) -> str:
    """The year of the package's ``created`` date (an RFC 3339 date-time), or ""."""
    created = str(data.descriptor.get("created") or "")
    return created[:4] if re.match(r"\d{4}", created) else ""


def _bibtex_text(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def bibtex(data: SiteData, title: str, path: str) -> tuple[str, str, str]:
    """BibTeX for a page, cut around its URL: (before, url, after). The page shows ``url`` (its
    path in the site) in an element its script fills with the page's full address."""
    name = str(data.descriptor.get("name") or "data")
    key = re.sub(r"[^A-Za-z0-9:._-]+", "-", f"{name}:{path.removesuffix('.html')}")
    # Braces keep a title's capitals and an organisation's name whole (BibTeX would otherwise
    # lowercase the one and read the other as "Last, First").
    author = " and ".join("{" + _bibtex_text(a) + "}" for a in authors(data))
    fields = [
        ("title", "{" + _bibtex_text(f"{title} ({data.site_title})") + "}"),
        ("author", author),
        ("year", year(data)),
        ("version", _bibtex_text(data.version)),
        ("note", _bibtex_text(f"Data package {name}, version {data.version}")),
    ]
    lines = [f"@misc{{{key},"] + [f"  {k} = {{{v}}}," for k, v in fields if v]
    before = "\n".join(lines) + "\n  url = {"
    return before, path, "}\n}"


def dataset_jsonld(data: SiteData) -> str:
    """The package as a schema.org ``Dataset``, serialised for an inline <script> block."""
    licences = [lic.get("path") or lic.get("name") for lic in data.licences if isinstance(lic, dict)]
    distribution = [
        {
            "@type": "DataDownload",
            "name": paths.DESCRIPTOR_NAME,
            "encodingFormat": "application/json",
            "contentUrl": f"package/{paths.DESCRIPTOR_NAME}",
        }
    ]
    for resource in data.descriptor.get("resources") or []:
        if isinstance(resource, dict) and isinstance(resource.get("path"), str):
            distribution.append(
                {
                    "@type": "DataDownload",
                    "name": str(resource.get("title") or resource.get("name") or resource["path"]),
                    "encodingFormat": "text/csv",
                    "contentUrl": f"package/{resource['path']}",
                }
            )
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": data.title,
        "alternateName": str(data.descriptor.get("name") or ""),
        "description": str(data.descriptor.get("description") or ""),
        "version": data.version,
        "keywords": list(data.descriptor.get("keywords") or []),
        "isAccessibleForFree": True,
        "creator": [{"@type": "Organization", "name": a} for a in authors(data)],
        "distribution": distribution,
    }
    if licences:
        document["license"] = licences[0] if len(licences) == 1 else licences
    if data.descriptor.get("created"):
        document["dateModified"] = str(data.descriptor["created"])
    if isinstance(data.descriptor.get("homepage"), str):
        document["url"] = data.descriptor["homepage"]
    text = json.dumps(document, ensure_ascii=True, separators=(",", ":"))
    return "".join(_JSON_IN_HTML.get(ch, ch) for ch in text)
