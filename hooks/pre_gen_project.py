"""Refuse answers that would generate a broken project, before anything is written.

Cookiecutter renders this file with the answers and runs the copy from a temporary folder;
copier runs it unrendered as its first task and passes the answers as JSON in argv[1]. Either
way it prints every problem, one line each (what is wrong, what is accepted), and exits 1.
copier.yml's `validator:`s repeat the format checks so copier can ask again at the prompt; the
tests import this module and hold both tools to the same messages.
"""

from __future__ import annotations

import json
import keyword
import re
import sys

RENDERED_ANSWERS = r"""{{ cookiecutter | tojson }}"""

# Commercial AWS regions the pinned provider (hashicorp/aws 5.100) knows; us-east-1 first.
AWS_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
)
CHOICES = {
    "aws_region": AWS_REGIONS,
    "database": ("postgresql", "aurora-postgresql", "none"),
    "https": ("off", "acm-route53", "acm-existing"),
    "nat_gateways": ("single", "one-per-az", "none"),
    "cpu_architecture": ("arm64", "x86_64"),
}
# What the derived slug is when the name has no letter or digit to make one from.
NO_SLUG = "(no-usable-letters)"
# "-production" is appended to the slug in load balancer and target group names (32 characters).
SLUG_MAX_LENGTH = 20
# The standard library of Python 3.12, the generated project's interpreter (sys.stdlib_module_names
# without the private names, which no package name matches): the hook itself may run on another.
STDLIB_MODULE_NAMES = """
abc aifc antigravity argparse array ast asyncio atexit audioop base64 bdb binascii bisect
builtins bz2 cProfile calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys
compileall concurrent configparser contextlib contextvars copy copyreg crypt csv ctypes curses
dataclasses datetime dbm decimal difflib dis doctest email encodings ensurepip enum errno
faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools gc genericpath getopt
getpass gettext glob graphlib grp gzip hashlib heapq hmac html http idlelib imaplib imghdr
importlib inspect io ipaddress itertools json keyword lib2to3 linecache locale logging lzma
mailbox mailcap marshal math mimetypes mmap modulefinder msilib msvcrt multiprocessing netrc nis
nntplib nt ntpath nturl2path numbers opcode operator optparse os ossaudiodev pathlib pdb pickle
pickletools pipes pkgutil platform plistlib poplib posix posixpath pprint profile pstats pty pwd
py_compile pyclbr pydoc pydoc_data pyexpat queue quopri random re readline reprlib resource
rlcompleter runpy sched secrets select selectors shelve shlex shutil signal site smtplib sndhdr
socket socketserver spwd sqlite3 sre_compile sre_constants sre_parse ssl stat statistics string
stringprep struct subprocess sunau symtable sys sysconfig syslog tabnanny tarfile telnetlib
tempfile termios textwrap this threading time timeit tkinter token tokenize tomllib trace
traceback tracemalloc tty turtle turtledemo types typing unicodedata unittest urllib uu uuid
venv warnings wave weakref webbrowser winreg winsound wsgiref xdrlib xml xmlrpc zipapp zipfile
zipimport zlib zoneinfo
"""
STDLIB_MODULES = frozenset(STDLIB_MODULE_NAMES.split())
# Import names the generated project depends on: a package of the same name would shadow them.
DEPENDENCY_IMPORT_NAMES = frozenset(
    {
        "alembic",
        "asyncpg",
        "fastapi",
        "httptools",
        "httpx",
        "migrations",
        "mypy",
        "pydantic",
        "pydantic_settings",
        "pytest",
        "ruff",
        "sqlalchemy",
        "starlette",
        "tests",
        "uvicorn",
        "uvloop",
    }
)

SLUG = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
PACKAGE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
EMAIL = re.compile(r"[^@\s]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}", re.IGNORECASE)
GITHUB_OWNER = re.compile(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*")
GITHUB_NAME = re.compile(r"[A-Za-z0-9._-]+")
DOMAIN_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
# Names nobody can own (RFC 2606, RFC 6761): a certificate or DNS record for them never works.
RESERVED_DOMAINS = (
    "example.com",
    "example.net",
    "example.org",
    "example",
    "invalid",
    "localhost",
    "test",
)
# Suffixes under which registries sell names: a zone is a name bought under one, never one itself.
PUBLIC_SUFFIXES = frozenset(
    f"{second}.{country}"
    for country, seconds in {
        "ar": "com", "au": "com net org edu gov", "br": "com net org", "cn": "com net org",
        "co": "com", "hk": "com", "id": "co", "il": "co org", "in": "co net org",
        "jp": "co ne or ac go", "kr": "co or", "mx": "com org", "my": "com", "ng": "com",
        "nz": "co net org", "ph": "com", "pk": "com", "sg": "com", "th": "co", "tr": "com",
        "tw": "com", "ua": "com", "uk": "co org me ac gov ltd plc net", "za": "co org",
    }.items()
    for second in seconds.split()
)  # fmt: skip
CERTIFICATE_ARN = re.compile(
    r"arn:aws:acm:(?P<region>[a-z0-9-]+):(?P<account>[0-9]{12}):certificate/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)
UNSAFE_TEXT = re.compile(r'["\\\x00-\x1f\x7f]')


def check_text(name: str, value: str, max_length: int) -> list[str]:
    """Free text lands in TOML, Python and YAML strings: no quotes, backslashes or control bytes."""
    if not value.strip():
        return [f"{name} is empty: give a short text."]
    if value != value.strip():
        return [f"{name} {value!r} starts or ends with spaces: leave them out."]
    if UNSAFE_TEXT.search(value):
        return [
            f"{name} {value!r} contains a double quote, backslash or control character: "
            "use plain text without them."
        ]
    if len(value) > max_length:
        return [f"{name} is {len(value)} characters long: at most {max_length} are accepted."]
    return []


def check_project_slug(slug: str) -> list[str]:
    if not SLUG.fullmatch(slug):
        return [
            f"project_slug {slug!r} is not kebab-case: use lowercase letters, digits and single "
            "hyphens, starting with a letter (e.g. orders-api)."
        ]
    if len(slug) > SLUG_MAX_LENGTH:
        return [
            f"project_slug {slug!r} is {len(slug)} characters long: at most {SLUG_MAX_LENGTH} "
            "are accepted (AWS load balancer names allow 32 and '-production' is appended)."
        ]
    return []


def check_package_name(package: str) -> list[str]:
    if not PACKAGE.fullmatch(package):
        return [
            f"package_name {package!r} is not a snake_case Python package name: use lowercase "
            "letters, digits and single underscores, starting with a letter (e.g. orders_api)."
        ]
    if keyword.iskeyword(package):
        return [f"package_name {package!r} is a Python keyword: choose another name."]
    if package in STDLIB_MODULES:
        return [
            f"package_name {package!r} would shadow the Python standard library module of the "
            "same name: choose another name."
        ]
    if package in DEPENDENCY_IMPORT_NAMES:
        return [
            f"package_name {package!r} would shadow the {package} import the project uses: "
            "choose another name."
        ]
    return []


def check_author_email(email: str) -> list[str]:
    # Written into pyproject.toml's authors, a TOML string: a quote would end it.
    if UNSAFE_TEXT.search(email):
        return [
            f"author_email {email!r} contains a double quote, backslash or control character: "
            "use a plain address (e.g. name@example.com)."
        ]
    if not EMAIL.fullmatch(email):
        return [f"author_email {email!r} is not an e-mail address: use name@example.com."]
    return []


def check_github_repository(repository: str) -> list[str]:
    if not repository:
        return [
            "github_repository is required: the owner/name of the GitHub repository this service "
            "deploys from (e.g. acme/orders-api); only its workflows can assume the deploy roles."
        ]
    if "://" in repository or repository.startswith(("github.com", "git@")):
        return [
            f"github_repository {repository!r} is a URL: give only owner/name "
            "(e.g. acme/orders-api)."
        ]
    owner, slash, name = repository.partition("/")
    if (
        not slash
        or not GITHUB_OWNER.fullmatch(owner)
        or len(owner) > 39
        or not GITHUB_NAME.fullmatch(name)
        or len(name) > 100
        or name in {".", ".."}
    ):
        return [
            f"github_repository {repository!r} is not owner/name: the owner is letters, digits "
            "and single inner hyphens (at most 39), the name letters, digits, '.', '-' and '_' "
            "(e.g. acme/orders-api)."
        ]
    if name.endswith(".git"):
        return [
            f"github_repository {repository!r} ends in .git: give the repository name "
            f"without it ({owner}/{name.removesuffix('.git')})."
        ]
    return []


def check_choice(name: str, value: str) -> list[str]:
    if value not in CHOICES[name]:
        return [f"{name} {value!r} is not one of: {', '.join(CHOICES[name])}."]
    return []


def check_host_name(name: str, value: str, example: str) -> list[str]:
    """A fully qualified DNS name as the user would type it into a browser, not a URL."""
    problem = None
    if "://" in value or "/" in value:
        problem = "is a URL: give the bare name, without scheme or path"
    elif value != value.lower():
        problem = "has capital letters: DNS names here are written in lowercase"
    elif value.endswith("."):
        problem = "ends with a dot: leave the trailing dot out"
    elif ":" in value:
        problem = "has a port: give the bare name"
    elif "*" in value:
        problem = "is a wildcard: give the exact name"
    else:
        labels = value.split(".")
        if (
            len(labels) < 2
            or len(value) > 253
            or not all(DOMAIN_LABEL.fullmatch(label) for label in labels)
            or not labels[-1].isalpha()
        ):
            problem = (
                "is not a fully qualified domain name: use dot-separated labels of lowercase "
                "letters, digits and inner hyphens"
            )
        elif any(
            value == reserved or value.endswith("." + reserved) for reserved in RESERVED_DOMAINS
        ):
            problem = "is a reserved example name that nobody can own: give your real domain"
    return [f"{name} {value!r} {problem} (e.g. {example})."] if problem else []


def check_https(answers: dict[str, str]) -> list[str]:
    https = answers["https"]
    domain = answers.get("domain_name", "")
    zone = answers.get("route53_zone", "")
    certificate = answers.get("certificate_arn", "")
    if https == "off":
        return [
            f"{name} is set to {value!r} but https is 'off': leave it empty, or choose "
            "https=acm-route53 or https=acm-existing."
            for name, value in (
                ("domain_name", domain),
                ("route53_zone", zone),
                ("certificate_arn", certificate),
            )
            if value
        ]

    errors: list[str] = []
    if not domain:
        errors.append(f"domain_name is required with https={https} (e.g. api.acme.com).")
    else:
        errors += check_host_name("domain_name", domain, "api.acme.com")

    if https == "acm-route53":
        if certificate:
            errors.append(
                "certificate_arn is set but https is 'acm-route53', which creates its own "
                "certificate: leave it empty, or choose https=acm-existing."
            )
        if not zone:
            errors.append(
                "route53_zone is required with https=acm-route53: the Route 53 hosted zone that "
                "holds domain_name (e.g. acme.com)."
            )
        elif zone_errors := check_host_name("route53_zone", zone, "acme.com"):
            errors += zone_errors
        elif zone in PUBLIC_SUFFIXES:
            errors.append(
                f"route53_zone {zone!r} is a public suffix, not a zone anyone owns: give the "
                f"hosted zone of your domain (e.g. acme.{zone})."
            )
        elif domain and domain != zone and not domain.endswith("." + zone):
            errors.append(
                f"route53_zone {zone!r} does not contain domain_name {domain!r}: the zone must "
                "be the domain itself or a parent of it."
            )

    if https == "acm-existing":
        if zone:
            errors.append(
                "route53_zone is set but https is 'acm-existing', which manages no DNS: leave it "
                "empty, or choose https=acm-route53."
            )
        if not certificate:
            errors.append(
                "certificate_arn is required with https=acm-existing: the ARN of an ACM "
                "certificate in the chosen region."
            )
        elif not (match := CERTIFICATE_ARN.fullmatch(certificate)):
            errors.append(
                f"certificate_arn {certificate!r} is not an ACM certificate ARN: use "
                "arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>."
            )
        elif match["region"] != answers["aws_region"]:
            errors.append(
                f"certificate_arn is in {match['region']} but aws_region is "
                f"{answers['aws_region']}: a load balancer can only use a certificate from its "
                "own region."
            )
    return errors


def validate(answers: dict[str, str]) -> list[str]:
    """Every problem with the answers, one message each; an empty list means they are good."""
    errors: list[str] = []
    errors += check_text("project_name", answers["project_name"], 64)
    if answers["project_slug"] == NO_SLUG:
        # The package name derives from the slug: one message says what to give.
        errors.append(
            f"project_name {answers['project_name']!r} has no letter or digit to make "
            "project_slug from: give project_slug yourself (kebab-case, e.g. orders-api)."
        )
    else:
        errors += check_project_slug(answers["project_slug"])
        errors += check_package_name(answers["package_name"])
    errors += check_text("description", answers["description"], 200)
    errors += check_text("author_name", answers["author_name"], 100)
    errors += check_author_email(answers["author_email"])
    errors += check_github_repository(answers["github_repository"])
    for name in CHOICES:
        errors += check_choice(name, answers[name])
    if answers["https"] in CHOICES["https"]:
        errors += check_https(answers)
    return errors


# What is left once the answers are refused: cookiecutter checks them before writing any file,
# copier writes the files first and runs this check as its first task.
REFUSED = {
    "cookiecutter": "nothing was generated.",
    "copier": (
        "copier removes the project folder if it created it; in a folder that existed, "
        "'git status' shows what it wrote."
    ),
}


def main(answers: dict[str, str], tool: str) -> int:
    errors = validate(answers)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} answer(s) to fix; {REFUSED[tool]}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) > 1:  # run by copier, answers as JSON
        sys.exit(main(json.loads(sys.argv[1]), "copier"))
    sys.exit(main(json.loads(RENDERED_ANSWERS), "cookiecutter"))
