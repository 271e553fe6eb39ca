"""The template source follows its Jinja rule (CONTRIBUTING.md): a comment is true in every
combination because no control tag sits in one, and no tag after text ends a line, where
trim_blocks would eat the newline."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

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


# The rest of the rule: inside a block a tag only adds lines for one option. A choice between
# two spellings of a block's content (`{% else %}`, or one attribute set in two groups) is a
# whole-file variant or a choice of whole top-level blocks instead. Read for the languages whose
# blocks the scan can see: Terraform's braces and brackets, Python's indentation and brackets.
WHOLE_LINE_TAG = re.compile(r"^\s*\{%-?\s*(if|elif|else|endif|for|endfor)\b[^%]*-?%\}\s*$")
HCL_SUFFIXES = {".tf", ".tfvars", ".hcl"}
STRING = re.compile(r'"(?:\\.|[^"\\\n])*"' + r"|'(?:\\.|[^'\\\n])*'")
ATTRIBUTE = re.compile(r"^\s*(\w+)\s*=(?!=)")
IMPORT = re.compile(r"^(?:import|from)\s")


@dataclass
class Group:
    """An {% if %} ... {% endif %} (or for) of one file: where it opens, and its branches."""

    line: int
    inside_block: bool
    block: int | None
    branches: list[list[str]] = field(default_factory=lambda: [[]])


def code_of(line: str, comment: str) -> str:
    return STRING.sub('""', line).split(comment, 1)[0]


def groups(path: Path) -> list[Group]:
    """The control-tag groups of a Terraform or Python file, each knowing whether it sits inside
    a block (and, for Terraform, which one: the line that opened it)."""
    hcl = path.suffix in HCL_SUFFIXES
    lines = path.read_text().splitlines()
    found: list[Group] = []
    open_groups: list[Group] = []
    brackets: list[int] = []  # the lines that opened each bracket still open
    for number, line in enumerate(lines, start=1):
        tag = WHOLE_LINE_TAG.match(line)
        if tag is None:
            for group in open_groups:
                group.branches[-1].append(line)
            for character in code_of(line, "#"):
                if character in "{[(":
                    brackets.append(number)
                elif character in "}])" and brackets:
                    brackets.pop()
            continue
        word = tag.group(1)
        if word in ("if", "for"):
            following = next(
                (
                    text
                    for text in lines[number:]
                    if text.strip() and not WHOLE_LINE_TAG.match(text)
                ),
                "",
            )
            indented = not hcl and following[:1] in (" ", "\t")
            group = Group(number, bool(brackets) or indented, brackets[-1] if brackets else None)
            open_groups.append(group)
            found.append(group)
        elif word in ("elif", "else"):
            open_groups[-1].branches.append([])
        else:
            open_groups.pop()
    return found


def rule_files(suffixes: set[str]) -> list[Path]:
    return [
        path
        for path in sorted(PROJECT_TEMPLATE.rglob("*"))
        if path.is_file()
        and path.suffix in suffixes
        and not SKIPPED_DIRS & set(path.relative_to(PROJECT_TEMPLATE).parts)
    ]


def top_level_attributes(lines: list[str]) -> list[str]:
    """The attributes a branch sets on its block itself, not inside the objects it writes."""
    keys, depth = [], 0
    for text in lines:
        if depth == 0 and (match := ATTRIBUTE.match(text)):
            keys.append(match.group(1))
        depth += sum(text.count(c) for c in "{[(") - sum(text.count(c) for c in "}])")
    return keys


def test_no_choice_between_spellings_inside_a_block() -> None:
    found = []
    for path in rule_files(HCL_SUFFIXES | {".py"}):
        name = path.relative_to(PROJECT_TEMPLATE)
        for group in groups(path):
            if group.inside_block and len(group.branches) > 1:
                found.append(f"{name}:{group.line}: else/elif inside a block")
        if path.suffix in HCL_SUFFIXES:
            set_in: dict[tuple[int | None, str], list[int]] = {}
            for group in groups(path):
                if not group.inside_block:
                    continue
                keys = {key for branch in group.branches for key in top_level_attributes(branch)}
                for key in keys:
                    set_in.setdefault((group.block, key), []).append(group.line)
            found += [
                f"{name}:{lines[0]}: {key} is set in the groups at lines {lines}"
                for (_, key), lines in set_in.items()
                if len(lines) > 1
            ]
    assert found == [], "choose whole blocks or whole files instead:\n" + "\n".join(found)


def test_no_import_is_written_in_two_branches() -> None:
    found = [
        f"{path.relative_to(PROJECT_TEMPLATE)}:{group.line}: {line}"
        for path in rule_files({".py"})
        for group in groups(path)
        for line in set.intersection(
            *({text for text in branch if IMPORT.match(text)} for branch in group.branches)
        )
        if len(group.branches) > 1
    ]
    assert found == [], "write a shared import once, outside the choice:\n" + "\n".join(found)


def test_the_block_scan_sees_blocks() -> None:
    """The scan knows a group inside a resource from one around it, in both languages."""
    inside: dict[str, set[bool]] = {".tf": set(), ".py": set()}
    for path in rule_files({".tf", ".py"}):
        inside[path.suffix] |= {group.inside_block for group in groups(path)}
    assert inside == {".tf": {True, False}, ".py": {True, False}}


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
