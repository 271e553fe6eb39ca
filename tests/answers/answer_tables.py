"""Bad answers with the exact message each must produce, and good edge cases that must pass.

Shared by the cookiecutter hook tests and the copier tests, so both tools are held to one table.
"""

from __future__ import annotations

from harness.combinations import CERTIFICATE_ARN, DOMAIN_NAME, ROUTE53_ZONE

ROUTE53 = {"https": "acm-route53", "domain_name": DOMAIN_NAME, "route53_zone": ROUTE53_ZONE}
EXISTING = {"https": "acm-existing", "domain_name": DOMAIN_NAME, "certificate_arn": CERTIFICATE_ARN}
SLUG_FORMAT = (
    "is not kebab-case: use lowercase letters, digits and single hyphens, starting with a letter "
    "(e.g. orders-api)."
)
PACKAGE_FORMAT = (
    "is not a snake_case Python package name: use lowercase letters, digits and single "
    "underscores, starting with a letter (e.g. orders_api)."
)
REPOSITORY_FORMAT = (
    "is not owner/name: the owner is letters, digits and single inner hyphens (at most 39), the "
    "name letters, digits, '.', '-' and '_' (e.g. acme/orders-api)."
)
NOT_FQDN = (
    "is not a fully qualified domain name: use dot-separated labels of lowercase letters, digits "
    "and inner hyphens"
)

# (id, answers that differ from the defaults, the one message they must produce)
BAD_ANSWERS: list[tuple[str, dict[str, str], str]] = [
    ("empty-project-name", {"project_name": " ", "project_slug": "orders-api"},
     "project_name is empty: give a short text."),
    ("project-name-with-quote", {"project_name": 'Orders "API"', "project_slug": "orders-api"},
     "project_name 'Orders \"API\"' contains a double quote, backslash or control character: "
     "use plain text without them."),
    ("slug-uppercase", {"project_slug": "Orders-api", "package_name": "orders_api"},
     f"project_slug 'Orders-api' {SLUG_FORMAT}"),
    ("slug-underscore", {"project_slug": "orders_api"}, f"project_slug 'orders_api' {SLUG_FORMAT}"),
    ("slug-leading-digit", {"project_slug": "1orders", "package_name": "orders"},
     f"project_slug '1orders' {SLUG_FORMAT}"),
    ("slug-double-hyphen", {"project_slug": "orders--api", "package_name": "orders_api"},
     f"project_slug 'orders--api' {SLUG_FORMAT}"),
    ("slug-trailing-hyphen", {"project_slug": "orders-", "package_name": "orders"},
     f"project_slug 'orders-' {SLUG_FORMAT}"),
    ("slug-too-long", {"project_slug": "customer-orders-api-v2", "package_name": "orders_api"},
     "project_slug 'customer-orders-api-v2' is 22 characters long: at most 20 are accepted "
     "(AWS load balancer names allow 32 and '-production' is appended)."),
    ("package-hyphen", {"package_name": "orders-api"},
     f"package_name 'orders-api' {PACKAGE_FORMAT}"),
    ("package-leading-underscore", {"package_name": "_orders"},
     f"package_name '_orders' {PACKAGE_FORMAT}"),
    ("package-keyword", {"project_slug": "import", "package_name": "import"},
     "package_name 'import' is a Python keyword: choose another name."),
    ("package-keyword-class", {"project_slug": "class", "package_name": "class"},
     "package_name 'class' is a Python keyword: choose another name."),
    ("package-shadows-stdlib", {"project_slug": "json", "package_name": "json"},
     "package_name 'json' would shadow the Python standard library module of the same name: "
     "choose another name."),
    ("package-shadows-dependency", {"project_slug": "alembic", "package_name": "alembic"},
     "package_name 'alembic' would shadow the alembic import the project uses: "
     "choose another name."),
    ("project-name-with-trailing-space", {"project_name": "Orders API "},
     "project_name 'Orders API ' starts or ends with spaces: leave them out."),
    ("author-with-leading-space", {"author_name": " Platform Team"},
     "author_name ' Platform Team' starts or ends with spaces: leave them out."),
    ("description-with-newline", {"description": "line one\nline two"},
     "description 'line one\\nline two' contains a double quote, backslash or control "
     "character: use plain text without them."),
    ("author-name-with-backslash", {"author_name": "Platform \\ Team"},
     "author_name 'Platform \\ Team' contains a double quote, backslash or control "
     "character: use plain text without them."),
    ("email-without-at", {"author_email": "platform.example.com"},
     "author_email 'platform.example.com' is not an e-mail address: use name@example.com."),
    ("email-without-domain-dot", {"author_email": "platform@localhost"},
     "author_email 'platform@localhost' is not an e-mail address: use name@example.com."),
    # Written into pyproject.toml: a quote would close the string and inject TOML.
    ("email-breaking-out-of-toml", {"author_email": 'x"}]#@acme.io'},
     "author_email 'x\"}]#@acme.io' contains a double quote, backslash or control character: "
     "use a plain address (e.g. name@example.com)."),
    ("repository-missing", {"github_repository": ""},
     "github_repository is required: the owner/name of the GitHub repository this service "
     "deploys from (e.g. acme/orders-api); only its workflows can assume the deploy roles."),
    ("name-without-letters", {"project_name": "Сервис заказов"},
     "project_name 'Сервис заказов' has no letter or digit to make project_slug from: give "
     "project_slug yourself (kebab-case, e.g. orders-api)."),
    ("repository-without-owner", {"github_repository": "orders-api"},
     f"github_repository 'orders-api' {REPOSITORY_FORMAT}"),
    ("repository-url", {"github_repository": "https://github.com/acme/orders-api"},
     "github_repository 'https://github.com/acme/orders-api' is a URL: give only owner/name "
     "(e.g. acme/orders-api)."),
    ("repository-three-parts", {"github_repository": "acme/team/orders-api"},
     f"github_repository 'acme/team/orders-api' {REPOSITORY_FORMAT}"),
    ("repository-owner-underscore", {"github_repository": "acme_corp/orders-api"},
     f"github_repository 'acme_corp/orders-api' {REPOSITORY_FORMAT}"),
    ("repository-dot-git", {"github_repository": "acme/orders-api.git"},
     "github_repository 'acme/orders-api.git' ends in .git: give the repository name without "
     "it (acme/orders-api)."),
    ("domain-without-https", {"domain_name": DOMAIN_NAME},
     "domain_name is set to 'api.acme.com' but https is 'off': leave it empty, or choose "
     "https=acm-route53 or https=acm-existing."),
    ("domain-missing", {**ROUTE53, "domain_name": ""},
     "domain_name is required with https=acm-route53 (e.g. api.acme.com)."),
    ("domain-with-scheme", {**EXISTING, "domain_name": "https://api.acme.com"},
     "domain_name 'https://api.acme.com' is a URL: give the bare name, without scheme or path "
     "(e.g. api.acme.com)."),
    ("domain-uppercase", {**EXISTING, "domain_name": "API.acme.com"},
     "domain_name 'API.acme.com' has capital letters: DNS names here are written in lowercase "
     "(e.g. api.acme.com)."),
    ("domain-single-label", {**EXISTING, "domain_name": "localhost"},
     f"domain_name 'localhost' {NOT_FQDN} (e.g. api.acme.com)."),
    ("domain-label-hyphen", {**EXISTING, "domain_name": "-api.acme.com"},
     f"domain_name '-api.acme.com' {NOT_FQDN} (e.g. api.acme.com)."),
    ("domain-trailing-dot", {**EXISTING, "domain_name": "api.acme.com."},
     "domain_name 'api.acme.com.' ends with a dot: leave the trailing dot out "
     "(e.g. api.acme.com)."),
    ("domain-wildcard", {**EXISTING, "domain_name": "*.acme.com"},
     "domain_name '*.acme.com' is a wildcard: give the exact name (e.g. api.acme.com)."),
    ("domain-reserved-example", {**EXISTING, "domain_name": "orders-api.example.com"},
     "domain_name 'orders-api.example.com' is a reserved example name that nobody can own: give "
     "your real domain (e.g. api.acme.com)."),
    ("zone-missing", {**ROUTE53, "route53_zone": ""},
     "route53_zone is required with https=acm-route53: the Route 53 hosted zone that holds "
     "domain_name (e.g. acme.com)."),
    ("zone-not-parent", {**ROUTE53, "route53_zone": "other.com"},
     "route53_zone 'other.com' does not contain domain_name 'api.acme.com': the zone must be the "
     "domain itself or a parent of it."),
    ("zone-suffix-not-parent", {**ROUTE53, "route53_zone": "cme.com"},
     "route53_zone 'cme.com' does not contain domain_name 'api.acme.com': the zone must be the "
     "domain itself or a parent of it."),
    ("domain-reserved-test-tld", {**EXISTING, "domain_name": "api.orders.test"},
     "domain_name 'api.orders.test' is a reserved example name that nobody can own: give your "
     "real domain (e.g. api.acme.com)."),
    ("zone-public-suffix", {**ROUTE53, "domain_name": "acme.co.uk", "route53_zone": "co.uk"},
     "route53_zone 'co.uk' is a public suffix, not a zone anyone owns: give the hosted zone of "
     "your domain (e.g. acme.co.uk)."),
    ("zone-trailing-dot", {**ROUTE53, "route53_zone": "acme.com."},
     "route53_zone 'acme.com.' ends with a dot: leave the trailing dot out (e.g. acme.com)."),
    ("certificate-missing", {**EXISTING, "certificate_arn": ""},
     "certificate_arn is required with https=acm-existing: the ARN of an ACM certificate in the "
     "chosen region."),
    ("certificate-not-acm", {**EXISTING, "certificate_arn": "arn:aws:iam::123456789012:role/x"},
     "certificate_arn 'arn:aws:iam::123456789012:role/x' is not an ACM certificate ARN: use "
     "arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>."),
    ("certificate-short-account", {
        **EXISTING,
        "certificate_arn": CERTIFICATE_ARN.replace("123456789012", "12345"),
    }, f"certificate_arn {CERTIFICATE_ARN.replace('123456789012', '12345')!r} is not an ACM "
       "certificate ARN: use arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>."),
    ("certificate-other-region", {
        **EXISTING,
        "certificate_arn": CERTIFICATE_ARN.replace("us-east-1", "eu-west-1"),
    }, "certificate_arn is in eu-west-1 but aws_region is us-east-1: a load balancer can only use "
       "a certificate from its own region."),
    ("certificate-with-route53", {**ROUTE53, "certificate_arn": CERTIFICATE_ARN},
     "certificate_arn is set but https is 'acm-route53', which creates its own certificate: leave "
     "it empty, or choose https=acm-existing."),
    ("zone-with-existing-certificate", {**EXISTING, "route53_zone": ROUTE53_ZONE},
     "route53_zone is set but https is 'acm-existing', which manages no DNS: leave it empty, or "
     "choose https=acm-route53."),
    ("events-without-a-database", {"database": "none", "events": "yes"},
     "events=yes publishes the items' writes, and database 'none' has no items: choose a "
     "database, or events=no."),
    ("object-storage-without-a-database", {"database": "none", "object_storage": "yes"},
     "object_storage=yes stores files of the items, and database 'none' has no items: choose a "
     "database, or object_storage=no."),
    ("cdn-certificate-missing-outside-us-east-1", {
        **EXISTING,
        "aws_region": "eu-west-1",
        "certificate_arn": CERTIFICATE_ARN.replace("us-east-1", "eu-west-1"),
        "cdn": "yes",
    }, "cdn_certificate_arn is required with cdn=yes and https=acm-existing: the ARN of an ACM "
       "certificate in us-east-1 covering domain_name (CloudFront takes certificates from there "
       "only)."),
    ("cdn-certificate-in-the-services-region", {
        **EXISTING,
        "aws_region": "eu-west-1",
        "certificate_arn": CERTIFICATE_ARN.replace("us-east-1", "eu-west-1"),
        "cdn": "yes",
        "cdn_certificate_arn": CERTIFICATE_ARN.replace("us-east-1", "eu-west-1"),
    }, "cdn_certificate_arn is in eu-west-1: CloudFront takes certificates from us-east-1 only; "
       "request or import one for domain_name there."),
    ("cdn-certificate-not-acm", {
        **EXISTING, "cdn": "yes", "cdn_certificate_arn": "arn:aws:iam::123456789012:role/x"
    },
     "cdn_certificate_arn 'arn:aws:iam::123456789012:role/x' is not an ACM certificate ARN: use "
     "arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>."),
    ("cdn-certificate-without-cdn", {**EXISTING, "cdn_certificate_arn": CERTIFICATE_ARN},
     "cdn_certificate_arn is set but only cdn=yes with https=acm-existing uses it (acm-route53 "
     "makes CloudFront's certificate itself): leave it empty."),
    ("cdn-certificate-with-route53", {
        **ROUTE53, "cdn": "yes", "cdn_certificate_arn": CERTIFICATE_ARN
    },
     "cdn_certificate_arn is set but only cdn=yes with https=acm-existing uses it (acm-route53 "
     "makes CloudFront's certificate itself): leave it empty."),
]  # fmt: skip

# (id, answers that differ from the defaults): each must generate a project.
GOOD_EDGE_CASES: list[tuple[str, dict[str, str]]] = [
    ("defaults", {}),
    ("slug-at-max-length", {"project_slug": "customer-orders-apis"}),
    ("slug-two-letters", {"project_slug": "ab"}),
    ("slug-with-digits", {"project_slug": "orders-v2", "package_name": "orders_v2"}),
    ("name-with-apostrophe-and-accents", {"project_name": "Café d'Orders", "project_slug": "cafe"}),
    ("name-with-inner-double-space", {"project_name": "Orders  API"}),
    ("soft-keyword-package", {"project_slug": "match", "package_name": "match"}),
    ("email-with-plus-and-subdomain", {"author_email": "team+orders@mail.acme.co.uk"}),
    ("repository-with-dots-and-underscores", {"github_repository": "Acme-Corp/orders.api_v2"}),
    ("domain-is-the-zone", {**ROUTE53, "domain_name": "acme.com", "route53_zone": "acme.com"}),
    ("zone-derived-under-public-suffix", {"https": "acm-route53", "domain_name": "api.acme.co.uk"}),
    ("deep-subdomain", {**ROUTE53, "domain_name": "orders.eu.api.acme.com"}),
    ("zone-default-is-parent-of-domain", {"https": "acm-route53", "domain_name": "api.acme.com"}),
    ("domain-with-digits-and-hyphens", {**EXISTING, "domain_name": "api-2.acme-1.io"}),
    ("certificate-in-other-region", {
        **EXISTING,
        "aws_region": "eu-west-1",
        "certificate_arn": CERTIFICATE_ARN.replace("us-east-1", "eu-west-1"),
    }),
    ("last-region", {"aws_region": "sa-east-1"}),
    ("cdn-certificate-of-its-own-outside-us-east-1", {
        **EXISTING,
        "aws_region": "eu-west-1",
        "certificate_arn": CERTIFICATE_ARN.replace("us-east-1", "eu-west-1"),
        "cdn": "yes",
        "cdn_certificate_arn": CERTIFICATE_ARN,
    }),
]  # fmt: skip

# (project_name, the project_slug both tools derive from it): any name a person would type
# gives a valid slug, so only the slug's length can still need an explicit answer.
DERIVED_SLUGS: list[tuple[str, str]] = [
    ("Orders API", "orders-api"),
    ("Café d'Orders & Co", "cafe-dorders-co"),
    ("My  API!", "my-api"),
    ("Über Señor/Ñandú", "uber-senor-nandu"),
    ("orders_api v2", "orders-api-v2"),
]
