"""The template source follows its Jinja rule (CONTRIBUTING.md): a comment is true in every
combination because no control tag sits in one, and no tag after text ends a line, where
trim_blocks would eat the newline."""

from __future__ import annotations

import re

from harness.rendering import PROJECT_TEMPLATE

COMMENT = re.compile(r"^\s*(#|//|<!--|--)")
CONTROL_TAG = re.compile(r"\{%")
# Text, then a control tag that ends the line; `+%}` keeps the newline on purpose.
TAG_ENDS_A_LINE = re.compile(r"\S.*?\{%[^%]*[^+]%\}$")
# Variants the hook picks from hold data, not Jinja.
SKIPPED_DIRS = {".locks", ".costs"}


def template_lines() -> list[tuple[str, int, str]]:
    lines = []
    for path in sorted(PROJECT_TEMPLATE.rglob("*")):
        relative = path.relative_to(PROJECT_TEMPLATE)
        if not path.is_file() or SKIPPED_DIRS & set(relative.parts):
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        lines += [
            (relative.as_posix(), number, line)
            for number, line in enumerate(text.splitlines(), start=1)
        ]
    return lines


LINES = template_lines()


def test_the_scan_reads_the_template() -> None:
    assert any(name == "README.md" for name, _, _ in LINES)


def test_no_control_tag_sits_in_a_comment() -> None:
    found = [
        f"{name}:{number}: {line.strip()}"
        for name, number, line in LINES
        if COMMENT.match(line) and CONTROL_TAG.search(line)
    ]
    assert found == [], "choose whole comment lines instead:\n" + "\n".join(found)


def test_no_control_tag_after_text_ends_a_line() -> None:
    found = [
        f"{name}:{number}: {line.strip()}"
        for name, number, line in LINES
        if TAG_ENDS_A_LINE.search(line.rstrip())
    ]
    assert found == [], "put the tag on a line of its own:\n" + "\n".join(found)


# Resources whose policy is an IAM document (the ECR lifecycle policy is not one).
IAM_POLICY_RESOURCES = re.compile(r"aws_iam_\w+|aws_kms_key|aws_\w+_policy")
BLOCK = re.compile(r'^(resource|data) "(\w+)" "[\w-]+" \{$(.*?)^\}$', re.M | re.S)


def test_iam_policies_are_policy_documents() -> None:
    """checkov and the reviewers read aws_iam_policy_document; jsonencode() hides a policy."""
    found, documents = [], 0
    for path in sorted(PROJECT_TEMPLATE.rglob("*.tf")):
        for kind, resource_type, body in BLOCK.findall(path.read_text()):
            documents += resource_type == "aws_iam_policy_document"
            if (
                kind == "resource"
                and IAM_POLICY_RESOURCES.fullmatch(resource_type)
                and resource_type != "aws_ecr_lifecycle_policy"
                and re.search(r"policy\s*=\s*jsonencode\(", body)
            ):
                found.append(f"{path.relative_to(PROJECT_TEMPLATE)}: {resource_type}")
    assert found == [], "write these as aws_iam_policy_document data sources"
    assert documents > 10, "the scan found no policy documents: has the layout changed?"
