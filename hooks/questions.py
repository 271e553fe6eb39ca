"""The questions: what each asks, its default and choices, when copier asks it, and its rules.

The one definition of the answers. `make answers` writes `cookiecutter.json`, `copier.yml` and
the questions table of `docs/options.md` from it, and `hooks/pre_gen_project.py` checks every
answer against its rules. A rule is a Jinja condition with a Jinja message because both tools
run it: copier as the question's `validator` (so it can ask again at the prompt), the hook for
cookiecutter (which has no validators) and for copier's answers given on the command line.
This module needs only the standard library and Jinja, which both tools bring.
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass

from jinja2 import Environment, StrictUndefined


@dataclass(frozen=True)
class Rule:
    """When `condition` (a Jinja expression over the answers) holds, the answer is refused
    with `message` (a Jinja template); an empty message accepts it without the rules after."""

    condition: str
    message: str = ""


@dataclass(frozen=True)
class Question:
    name: str
    prompt: str
    # Jinja, rendered with the earlier answers. A question with choices defaults to the first.
    default: str | None = None
    # value: label shown at the prompt (None: the value itself).
    choices: dict[str, str | None] | None = None
    # copier asks only when this Jinja condition holds; cookiecutter always asks, and its prompt
    # ends with `unasked_hint` instead.
    asked_when: str | None = None
    unasked_hint: str | None = None
    rules: tuple[Rule, ...] = ()


# What the derived slug is when the name has no letter or digit to make one from.
NO_SLUG = "(no-usable-letters)"
# "-production" is appended to the slug in load balancer and target group names (32 characters).
SLUG_MAX_LENGTH = 20
# Lowercase ASCII letters and digits of the name, accents folded, apostrophes dropped, anything
# else a separator. copier has no slugify filter (cookiecutter's transliterates every script,
# which would make the two tools derive different slugs from a Cyrillic name), so this loop.
SLUG_FROM_NAME = (
    "{%- set slug = namespace(text='') -%}"
    "{%- for c in project_name | lower -%}"
    "{%- set accent = 'àáâãäåçèéêëìíîïñòóôõöøùúûüýÿ'.find(c) -%}"
    "{%- set slug.text = slug.text ~ ('aaaaaaceeeeiiiinoooooouuuuyy'[accent] if accent >= 0"
    " else '' if c in \"'\u2019\""
    " else c if c in 'abcdefghijklmnopqrstuvwxyz0123456789' else ' ') -%}"
    "{%- endfor -%}"
    "{{ slug.text.split() | join('-') or '" + NO_SLUG + "' }}"
)

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
# Import names the generated project depends on: a package of the same name would shadow them.
DEPENDENCY_IMPORT_NAMES = (
    "alembic asyncpg botocore fastapi httptools httpx migrations moto mypy pydantic "
    "pydantic_settings pytest ruff sqlalchemy starlette tests uvicorn uvloop"
)
# Names nobody can own (RFC 2606, RFC 6761): a certificate or DNS record for them never works.
RESERVED_DOMAINS = ("example.com", "example.net", "example.org", "example", "invalid",
                    "localhost", "test")  # fmt: skip
# Suffixes under which registries sell names: a zone is a name bought under one, never one itself.
PUBLIC_SUFFIXES = sorted(
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
# Commercial AWS regions the pinned provider (hashicorp/aws 5.100) knows; us-east-1 first.
AWS_REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-northeast-1",
    "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
    "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1",
    "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1",
    "me-south-1", "mx-central-1", "sa-east-1",
)  # fmt: skip

# Free text lands in TOML, Python and YAML strings: no quotes, backslashes or control bytes.
# (A Jinja string literal: \\\\ is one escaped backslash for the regular expression.)
UNSAFE_TEXT = r"""regex_search('["\\\\\x00-\x1f\x7f]') is not none"""


def shown(name: str) -> str:
    """The answer quoted inside a message."""
    return "'{{ " + name + " }}'"


def listed(values: object) -> str:
    """A Python list or tuple of strings as a Jinja list literal."""
    return json.dumps(list(values), ensure_ascii=False)  # type: ignore[call-overload]


def text_rules(name: str, max_length: int) -> tuple[Rule, ...]:
    return (
        Rule(f"not {name}.strip()", f"{name} is empty: give a short text."),
        Rule(
            f"{name} != {name}.strip()",
            f"{name} {shown(name)} starts or ends with spaces: leave them out.",
        ),
        Rule(
            f"{name} | {UNSAFE_TEXT}",
            f"{name} {shown(name)} contains a double quote, backslash or control character: "
            "use plain text without them.",
        ),
        Rule(
            f"{name} | length > {max_length}",
            f"{name} is {{{{ {name} | length }}}} characters long: at most {max_length} are "
            "accepted.",
        ),
    )


def host_name_rules(name: str, example: str) -> tuple[Rule, ...]:
    """A fully qualified DNS name as the user would type it into a browser, not a URL."""
    problems = (
        (f"'://' in {name} or '/' in {name}",
         "is a URL: give the bare name, without scheme or path"),
        (f"{name} != {name} | lower",
         "has capital letters: DNS names here are written in lowercase"),
        (f"{name}.endswith('.')", "ends with a dot: leave the trailing dot out"),
        (f"':' in {name}", "has a port: give the bare name"),
        (f"'*' in {name}", "is a wildcard: give the exact name"),
        (f"{name} | length > 253 or {name} | regex_search("
         r"'^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]+$') is none",
         "is not a fully qualified domain name: use dot-separated labels of lowercase letters, "
         "digits and inner hyphens"),
        (f"('.' ~ {name}).endswith({tuple('.' + domain for domain in RESERVED_DOMAINS)!r})",
         "is a reserved example name that nobody can own: give your real domain"),
    )  # fmt: skip
    return tuple(
        Rule(condition, f"{name} {shown(name)} {problem} (e.g. {example}).")
        for condition, problem in problems
    )


def unused_with(name: str, https: str, why: str) -> Rule:
    """An answer that the chosen https mode does not use must stay empty."""
    return Rule(f"https == '{https}' and {name}", f"{name} is set {why}")


def certificate_arn_rule(name: str) -> Rule:
    return Rule(
        f"{name} | regex_search('^arn:aws:acm:[a-z0-9-]+:[0-9]{{12}}:certificate/"
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$') is none",
        f"{name} {shown(name)} is not an ACM certificate ARN: use "
        "arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>.",
    )


# CloudFront takes its certificates from this region only, wherever the service runs.
CLOUDFRONT_CERTIFICATE_REGION = "us-east-1"

OFF_BUT_SET = (
    "but https is 'off': leave it empty, or choose https=acm-route53 or https=acm-existing."
)

QUESTIONS: tuple[Question, ...] = (
    Question(
        "project_name",
        "Service name, as people write it",
        default="Orders API",
        rules=text_rules("project_name", 64),
    ),
    Question(
        "project_slug",
        f"Repository and folder name (kebab-case, at most {SLUG_MAX_LENGTH} characters)",
        default=SLUG_FROM_NAME,
        rules=(
            Rule(
                f"project_slug == '{NO_SLUG}'",
                f"project_name {shown('project_name')} has no letter or digit to make "
                "project_slug from: give project_slug yourself (kebab-case, e.g. orders-api).",
            ),
            Rule(
                r"project_slug | regex_search('^[a-z][a-z0-9]*(-[a-z0-9]+)*$') is none",
                f"project_slug {shown('project_slug')} is not kebab-case: use lowercase letters, "
                "digits and single hyphens, starting with a letter (e.g. orders-api).",
            ),
            Rule(
                f"project_slug | length > {SLUG_MAX_LENGTH}",
                f"project_slug {shown('project_slug')} is {{{{ project_slug | length }}}} "
                f"characters long: at most {SLUG_MAX_LENGTH} are accepted (AWS load balancer "
                "names allow 32 and '-production' is appended).",
            ),
        ),
    ),
    Question(
        "package_name",
        "Python package name (snake_case)",
        default="{{ project_slug | replace('-', '_') }}",
        rules=(
            # It derives from the slug, whose message says what to give.
            Rule(f"project_slug == '{NO_SLUG}'"),
            Rule(
                r"package_name | regex_search('^[a-z][a-z0-9]*(_[a-z0-9]+)*$') is none",
                f"package_name {shown('package_name')} is not a snake_case Python package name: "
                "use lowercase letters, digits and single underscores, starting with a letter "
                "(e.g. orders_api).",
            ),
            Rule(
                f"package_name in {listed(keyword.kwlist)}",
                f"package_name {shown('package_name')} is a Python keyword: choose another name.",
            ),
            Rule(
                f"package_name in {listed(STDLIB_MODULE_NAMES.split())}",
                f"package_name {shown('package_name')} would shadow the Python standard library "
                "module of the same name: choose another name.",
            ),
            Rule(
                f"package_name in {listed(DEPENDENCY_IMPORT_NAMES.split())}",
                f"package_name {shown('package_name')} would shadow the {{{{ package_name }}}} "
                "import the project uses: choose another name.",
            ),
        ),
    ),
    Question(
        "description",
        "One-line description",
        default="A FastAPI service on AWS ECS Fargate",
        rules=text_rules("description", 200),
    ),
    Question(
        "author_name",
        "Author or owning team",
        default="Platform Team",
        rules=text_rules("author_name", 100),
    ),
    Question(
        "author_email",
        "Author e-mail",
        default="platform@example.com",
        rules=(
            # Written into pyproject.toml's authors, a TOML string: a quote would end it.
            Rule(
                f"author_email | {UNSAFE_TEXT}",
                f"author_email {shown('author_email')} contains a double quote, backslash or "
                "control character: use a plain address (e.g. name@example.com).",
            ),
            Rule(
                r"author_email | regex_search("
                r"'^[^@\\s]+@[a-zA-Z0-9-]+(\\.[a-zA-Z0-9-]+)*\\.[a-zA-Z]{2,}$') is none",
                f"author_email {shown('author_email')} is not an e-mail address: use "
                "name@example.com.",
            ),
        ),
    ),
    Question(
        "github_repository",
        "GitHub repository (owner/name, e.g. acme/orders-api); only its Actions may deploy",
        # No default: an owner you do not control would be trusted silently.
        default="",
        rules=(
            Rule(
                "not github_repository",
                "github_repository is required: the owner/name of the GitHub repository this "
                "service deploys from (e.g. acme/orders-api); only its workflows can assume the "
                "deploy roles.",
            ),
            Rule(
                "'://' in github_repository"
                " or github_repository.startswith(('github.com', 'git@'))",
                f"github_repository {shown('github_repository')} is a URL: give only owner/name "
                "(e.g. acme/orders-api).",
            ),
            Rule(
                "github_repository | regex_search('^[A-Za-z0-9]+(-[A-Za-z0-9]+)*/[A-Za-z0-9._-]+$')"
                " is none or github_repository.split('/')[0] | length > 39"
                " or github_repository.split('/')[1] | length > 100"
                " or github_repository.split('/')[1] in ['.', '..']",
                f"github_repository {shown('github_repository')} is not owner/name: the owner is "
                "letters, digits and single inner hyphens (at most 39), the name letters, digits, "
                "'.', '-' and '_' (e.g. acme/orders-api).",
            ),
            Rule(
                "github_repository.endswith('.git')",
                f"github_repository {shown('github_repository')} ends in .git: give the "
                "repository name without it ({{ github_repository[:-4] }}).",
            ),
        ),
    ),
    Question(
        "aws_region",
        "AWS region",
        choices=dict.fromkeys(AWS_REGIONS),
    ),
    Question(
        "database",
        "Database",
        choices={
            "postgresql": "RDS PostgreSQL (single instance, Multi-AZ in production)",
            "aurora-postgresql": "Aurora PostgreSQL Serverless v2 (scales with load)",
            "dynamodb": "DynamoDB (on-demand, pay per request; no SQL, no migrations)",
            "none": "No database",
        },
    ),
    Question(
        "https",
        "HTTPS on the load balancer",
        choices={
            "off": "Off: HTTP only (fine to start; add a domain later)",
            "acm-route53": "New ACM certificate, validated in a Route 53 hosted zone you have",
            "acm-existing": "A certificate you already have in ACM (give its ARN)",
        },
    ),
    Question(
        "domain_name",
        "Domain name of the service, e.g. api.acme.com",
        default="",
        asked_when="https != 'off'",
        unasked_hint="leave empty with HTTPS off",
        rules=(
            unused_with("domain_name", "off", f"to {shown('domain_name')} {OFF_BUT_SET}"),
            Rule("https == 'off'"),
            Rule(
                "not domain_name",
                "domain_name is required with https={{ https }} (e.g. api.acme.com).",
            ),
            *host_name_rules("domain_name", "api.acme.com"),
        ),
    ),
    Question(
        "route53_zone",
        "Route 53 hosted zone holding that domain",
        # The domain without its first label.
        default=(
            "{% if https == 'acm-route53' %}{{ domain_name.split('.', 1)[1] "
            "if domain_name.count('.') > 1 else domain_name }}{% endif %}"
        ),
        asked_when="https == 'acm-route53'",
        unasked_hint="only with acm-route53",
        rules=(
            unused_with("route53_zone", "off", f"to {shown('route53_zone')} {OFF_BUT_SET}"),
            unused_with(
                "route53_zone",
                "acm-existing",
                "but https is 'acm-existing', which manages no DNS: leave it empty, or choose "
                "https=acm-route53.",
            ),
            Rule("https != 'acm-route53'"),
            Rule(
                "not route53_zone",
                "route53_zone is required with https=acm-route53: the Route 53 hosted zone that "
                "holds domain_name (e.g. acme.com).",
            ),
            *host_name_rules("route53_zone", "acme.com"),
            Rule(
                f"route53_zone in {listed(PUBLIC_SUFFIXES)}",
                f"route53_zone {shown('route53_zone')} is a public suffix, not a zone anyone "
                "owns: give the hosted zone of your domain (e.g. acme.{{ route53_zone }}).",
            ),
            Rule(
                "domain_name and domain_name != route53_zone"
                " and not domain_name.endswith('.' ~ route53_zone)",
                f"route53_zone {shown('route53_zone')} does not contain domain_name "
                f"{shown('domain_name')}: the zone must be the domain itself or a parent of it.",
            ),
        ),
    ),
    Question(
        "certificate_arn",
        "ACM certificate ARN in the chosen region",
        default="",
        asked_when="https == 'acm-existing'",
        unasked_hint="only with acm-existing",
        rules=(
            unused_with("certificate_arn", "off", f"to {shown('certificate_arn')} {OFF_BUT_SET}"),
            unused_with(
                "certificate_arn",
                "acm-route53",
                "but https is 'acm-route53', which creates its own certificate: leave it empty, "
                "or choose https=acm-existing.",
            ),
            Rule("https != 'acm-existing'"),
            Rule(
                "not certificate_arn",
                "certificate_arn is required with https=acm-existing: the ARN of an ACM "
                "certificate in the chosen region.",
            ),
            certificate_arn_rule("certificate_arn"),
            Rule(
                "certificate_arn.split(':')[3] != aws_region",
                "certificate_arn is in {{ certificate_arn.split(':')[3] }} but aws_region is "
                "{{ aws_region }}: a load balancer can only use a certificate from its own region.",
            ),
        ),
    ),
    Question(
        "nat_gateways",
        "NAT gateways for the tasks' outbound traffic",
        choices={
            "single": "One NAT gateway (about $33/month; outbound stops if its AZ fails)",
            "one-per-az": "One per availability zone (about $66/month; highly available)",
            "none": "None: tasks get public IPs in public subnets, inbound still only from the "
            "load balancer",
        },
    ),
    Question(
        "cpu_architecture",
        "CPU architecture of the Fargate tasks",
        choices={"arm64": "arm64 (Graviton: about 20% cheaper)", "x86_64": None},
    ),
    Question(
        "waf",
        "A web application firewall (AWS WAF) in front of the load balancer",
        choices={
            "no": "No",
            "yes": "Yes: AWS managed rules, a rate limit per client and a body-size limit "
            "(about $10/month plus $0.60 per million requests, in each environment that turns "
            "it on: production's example does)",
        },
    ),
    Question(
        "events",
        "Domain events (item.created, item.updated, item.deleted) on an EventBridge bus",
        choices={
            "no": "No",
            "yes": "Yes: a bus per environment, an archive, a dead-letter queue (about $1 per "
            "million events)",
        },
        asked_when="database != 'none'",
        unasked_hint="only with a database",
        rules=(
            Rule(
                "events == 'yes' and database == 'none'",
                "events=yes publishes the items' writes, and database 'none' has no items: "
                "choose a database, or events=no.",
            ),
        ),
    ),
    Question(
        "object_storage",
        "An S3 bucket for the items' files, uploaded with presigned URLs",
        choices={
            "no": "No",
            "yes": "Yes: a versioned, encrypted bucket per environment and a route handing out "
            "upload URLs (S3's prices: about $0.023 per GB-month)",
        },
        asked_when="database != 'none'",
        unasked_hint="only with a database",
        rules=(
            Rule(
                "object_storage == 'yes' and database == 'none'",
                "object_storage=yes stores files of the items, and database 'none' has no items: "
                "choose a database, or object_storage=no.",
            ),
        ),
    ),
    Question(
        "cdn",
        "CloudFront in front of the load balancer",
        choices={
            "no": "No",
            "yes": "Yes: a CDN edge; the load balancer then admits only CloudFront, and "
            "responses are cached only when they say so (usage-priced: about $0.085 per GB "
            "and $0.01 per 10,000 requests past CloudFront's monthly free tier)",
        },
    ),
    Question(
        "cdn_certificate_arn",
        f"ACM certificate ARN in {CLOUDFRONT_CERTIFICATE_REGION} for CloudFront",
        default=(
            "{% if cdn == 'yes' and https == 'acm-existing' and aws_region == "
            f"'{CLOUDFRONT_CERTIFICATE_REGION}' %}}{{{{ certificate_arn }}}}{{% endif %}}"
        ),
        asked_when="cdn == 'yes' and https == 'acm-existing'",
        unasked_hint="only with cdn and acm-existing",
        rules=(
            Rule(
                "cdn_certificate_arn and (cdn != 'yes' or https != 'acm-existing')",
                "cdn_certificate_arn is set but only cdn=yes with https=acm-existing uses it "
                "(acm-route53 makes CloudFront's certificate itself): leave it empty.",
            ),
            Rule("cdn != 'yes' or https != 'acm-existing'"),
            Rule(
                "not cdn_certificate_arn",
                "cdn_certificate_arn is required with cdn=yes and https=acm-existing: the ARN of "
                f"an ACM certificate in {CLOUDFRONT_CERTIFICATE_REGION} covering domain_name "
                "(CloudFront takes certificates from there only).",
            ),
            certificate_arn_rule("cdn_certificate_arn"),
            Rule(
                f"cdn_certificate_arn.split(':')[3] != '{CLOUDFRONT_CERTIFICATE_REGION}'",
                "cdn_certificate_arn is in {{ cdn_certificate_arn.split(':')[3] }}: CloudFront "
                f"takes certificates from {CLOUDFRONT_CERTIFICATE_REGION} only; request or "
                "import one for domain_name there.",
            ),
        ),
    ),
)

CHOICES = {q.name: tuple(q.choices) for q in QUESTIONS if q.choices}


def regex_search(value: str, pattern: str) -> str | None:
    """The `regex_search` filter copier's Jinja has (from jinja2-ansible-filters)."""
    match = re.search(pattern, value)
    return match.group() if match else None


def rules_environment() -> Environment:
    environment = Environment(undefined=StrictUndefined, keep_trailing_newline=True)
    environment.filters["regex_search"] = regex_search
    return environment


CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def one_line(message: str) -> str:
    """A message shows a control character in an answer as its escape (\\n), never raw."""
    return CONTROL_CHARACTER.sub(lambda match: repr(match.group())[1:-1], message)


def refusal(question: Question, answers: dict[str, str], environment: Environment) -> str | None:
    """The message of the first rule the answer breaks, or None when it passes them."""
    for rule in question.rules:
        if environment.compile_expression(rule.condition)(**answers):
            return one_line(environment.from_string(rule.message).render(**answers)) or None
    return None


def refusals(answers: dict[str, str]) -> list[str]:
    """Every problem with the answers, one message per question; empty when they are good."""
    environment = rules_environment()
    messages = (refusal(question, answers, environment) for question in QUESTIONS)
    return [message for message in messages if message]
