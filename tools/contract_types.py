"""Write the Python mirror of the contracts' vocabulary from the compiler's AST, never by hand.

Two modules, both generated (tools/export_artifacts.py calls `render_*` and writes them; its
`--check` fails while they are stale):

- hygeia/core/contract_types.py: every Solidity enum of the suite's interfaces as an IntEnum; the
  action and purpose bits of ConsentPolicy as IntFlags; the roles (ids, bit order and which need a
  credential) of Roles.sol; and the public integer constants of each deployable contract.
- hygeia/core/contract_errors.py: one exception class per custom error of the deployable
  contracts' ABIs, with its NatSpec and its arguments (enum arguments decode to their enum).

Names follow Python: enum members and flag names in UPPER_SNAKE_CASE (`InTransit` ->
`IN_TRANSIT`, `ACTION_ACCESS` -> `Action.ACCESS`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

HEADER = '''"""{doc}

Generated from the compiler output by tools/export_artifacts.py: do not edit. Run
`bin/brownie compile --all && .venv/bin/python tools/export_artifacts.py` after changing a contract.
"""
'''

#: Interfaces whose enums are mirrored (and the contracts that use them).
INTERFACES = ("IParticipantRegistry", "IConsentRegistry", "IDrugProvenance", "IClaimsAdjudicator")
#: Library constants that are bit flags: prefix -> Python IntFlag class.
FLAGS = {("ConsentPolicy", "ACTION_"): "Action", ("ConsentPolicy", "PURPOSE_"): "Purpose"}
_INT_CONST = re.compile(r"int_const (-?\d+)")


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def upper_snake(name: str) -> str:
    """`InTransit` -> `IN_TRANSIT`, `NoPermit` -> `NO_PERMIT`, `ACTION_ACCESS` stays."""
    if name.isupper():
        return name
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


def _ast(build: Path, name: str) -> dict[str, Any]:
    for folder in ("contracts", "interfaces"):
        path = build / folder / f"{name}.json"
        if path.exists():
            data: dict[str, Any] = json.loads(path.read_text())["ast"]
            return data
    raise FileNotFoundError(f"{name} is not in {build}: run bin/brownie compile")


def _enums(ast: Mapping[str, Any]) -> list[tuple[str, list[str], str]]:
    """(name, members, NatSpec) of every enum a source unit defines."""
    found = []
    for node in _nodes(ast):
        if node.get("nodeType") == "EnumDefinition":
            doc = (node.get("documentation") or {}).get("text", "")
            found.append((node["name"], [m["name"] for m in node["members"]], doc))
    return found


_OPERATORS = {
    "<<": lambda a, b: a << b,
    ">>": lambda a, b: a >> b,
    "|": lambda a, b: a | b,
    "&": lambda a, b: a & b,
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
}


def _evaluate(node: Mapping[str, Any], known: Mapping[int, int]) -> int | None:
    """The value of a constant integer expression: literals, other constants (by AST id), and
    the operators above; None for anything else."""
    match = _INT_CONST.fullmatch(node.get("typeDescriptions", {}).get("typeString", ""))
    if match:
        return int(match.group(1))
    kind = node.get("nodeType")
    if kind == "Identifier":
        return known.get(node.get("referencedDeclaration", -1))
    if kind == "TupleExpression" and len(node.get("components", [])) == 1:
        return _evaluate(node["components"][0], known)
    if kind == "BinaryOperation" and node["operator"] in _OPERATORS:
        left, right = (
            _evaluate(node["leftExpression"], known),
            _evaluate(node["rightExpression"], known),
        )
        if left is not None and right is not None:
            return int(_OPERATORS[node["operator"]](left, right))
    return None


def _int_constants(
    ast: Mapping[str, Any], contract: str, *, public_only: bool = False
) -> list[tuple[str, int, str]]:
    """(name, value, NatSpec) of the integer constants `contract` declares, in source order
    (only its public ones with `public_only`)."""
    found = []
    known: dict[int, int] = {}
    for node in _nodes(ast):
        if node.get("nodeType") != "ContractDefinition" or node.get("name") != contract:
            continue
        for member in node.get("nodes", []):
            if member.get("nodeType") != "VariableDeclaration" or not member.get("constant"):
                continue
            if (
                not member.get("typeDescriptions", {})
                .get("typeString", "")
                .startswith(("uint", "int"))
            ):
                continue
            value = _evaluate(member.get("value") or {}, known)
            if value is not None:
                known[member["id"]] = value
                if public_only and member.get("visibility") != "public":
                    continue
                doc = (member.get("documentation") or {}).get("text", "")
                found.append((member["name"], value, doc))
    return found


def _role_texts(ast: Mapping[str, Any]) -> dict[str, str]:
    """Roles.sol's role ids, as the string literal each constant hashes with keccak256."""
    ids = {}
    for node in _nodes(ast):
        if node.get("nodeType") != "VariableDeclaration" or not node.get("constant"):
            continue
        value = node.get("value") or {}
        if (
            value.get("nodeType") == "FunctionCall"
            and value["expression"].get("name") == "keccak256"
        ):
            literal = value["arguments"][0]
            if literal.get("nodeType") == "Literal" and literal.get("kind") == "string":
                ids[node["name"]] = str(literal["value"])
    return ids


def _doc(text: str) -> str:
    text = re.sub(r"@(notice|dev)\s*", "", text).strip()
    text = re.sub(r"@param\s+\S+\s+[^@]*", "", text).strip()
    text = re.sub(r"@\w+[^@]*", "", text).strip()
    return " ".join(text.split()) or "A contract value."


def _docstring(text: str, indent: str) -> str:
    words, lines, line = _doc(text).replace('"""', "'''").split(), [], ""
    for word in words:
        if len(indent) + len(line) + len(word) + 1 > 92:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""\n'
    body = f"\n{indent}".join(lines)
    return f'{indent}"""{body}\n{indent}"""\n'


def render_types(build: Path, deployable: tuple[str, ...]) -> str:
    out = [
        HEADER.format(doc="The contracts' enums, flags, roles and constants, as Python types."),
        "\nfrom __future__ import annotations\n\n",
        "from enum import IntEnum, IntFlag\n\n",
        "from eth_utils.crypto import keccak\n\n",
        "from hygeia.core.enums import FlagNames, RoleNames\n",
    ]
    enum_types: dict[str, str] = {}
    for interface in INTERFACES:
        for name, members, doc in _enums(_ast(build, interface)):
            out.append(f"\n\nclass {name}(IntEnum):\n")
            out.append(_docstring(doc or f"{interface}.{name}.", "    "))
            out.append("\n")
            out += [f"    {upper_snake(m)} = {i}\n" for i, m in enumerate(members)]
            enum_types[f"{interface}.{name}"] = name
    for (library, prefix), cls in FLAGS.items():
        constants = [
            c for c in _int_constants(_ast(build, library), library) if c[0].startswith(prefix)
        ]
        out.append(f"\n\nclass {cls}(FlagNames, IntFlag):\n")
        out.append(
            _docstring(f"{library} {prefix}* bits: a set of them, or one in a query.", "    ")
        )
        out.append("\n")
        out += [f"    {name.removeprefix(prefix)} = {value}\n" for name, value, _ in constants]
    roles = _int_constants(_ast(build, "Roles"), "Roles")
    bits = {name.removesuffix("_BIT"): value for name, value, _ in roles if name.endswith("_BIT")}
    licensed = next(value for name, value, _ in roles if name == "LICENSED_BITS")
    ids = _role_texts(_ast(build, "Roles"))
    out.append("\n\nclass Role(RoleNames, IntEnum):\n")
    out.append(
        _docstring(
            "A suite role; its value is its bit index in ParticipantRegistry.rolesOf.", "    "
        )
    )
    out.append("\n")
    out += [f"    {name} = {bit}\n" for name, bit in sorted(bits.items(), key=lambda kv: kv[1])]
    out.append(
        "\n\n#: Each role's bytes32 id (Roles.sol; OpenZeppelin's DEFAULT_ADMIN_ROLE for ADMIN).\n"
    )
    out.append("ROLE_IDS: dict[Role, bytes] = {\n")
    for name in sorted(bits, key=lambda n: bits[n]):
        text = ids.get(name)
        value = f'keccak(text="{text}")' if text else "bytes(32)"
        out.append(f"    Role.{name}: {value},\n")
    out.append("}\n")
    out.append("#: The roles that need a regulator-issued credential (Roles.LICENSED_BITS).\n")
    out.append("LICENSED_ROLES = frozenset(\n    {\n")
    for name in sorted(bits, key=lambda n: bits[n]):
        if licensed >> bits[name] & 1:
            out.append(f"        Role.{name},\n")
    out.append("    }\n)\n")
    out.append("Role.bind(ROLE_IDS, LICENSED_ROLES)\n")
    for contract in deployable:
        constants = _int_constants(_ast(build, contract), contract, public_only=True)
        if not constants:
            continue
        out.append(f"\n\nclass {contract}Constants:\n")
        out.append(_docstring(f"The integer constants of {contract}.", "    "))
        out.append("\n")
        for name, value, doc in constants:
            out.append(f"    {name} = {value}\n")
            out.append(_docstring(doc or f"{contract}.{name}.", "    "))
    return "".join(out)


def enum_of(internal_type: str) -> str | None:
    """`enum IDrugProvenance.HoldingState` -> `HoldingState` (a class of contract_types)."""
    if internal_type.startswith("enum "):
        return internal_type.removeprefix("enum ").split(".")[-1]
    return None


def render_errors(build: Path, deployable: tuple[str, ...]) -> str:
    out = [
        HEADER.format(
            doc="One exception class per custom error of the suite's contracts, by Solidity name."
            "\n\n    from hygeia.core import contract_errors as errors\n    try:\n"
            "        client.issue_credential(...)\n"
            "    except errors.ParticipantRegistryCredentialExists as exc:\n"
            '        print(exc.error_args["account"])\n\n'
            "Each derives from hygeia.core.errors.ContractRevertError; enum arguments arrive as "
            "their\nenum (hygeia.core.contract_types)."
        ),
        "\nfrom __future__ import annotations\n\n",
        "from enum import IntEnum\n\n",
        "from hygeia.core import contract_types\n",
        "from hygeia.core.errors import ContractRevertError\n",
    ]
    seen: dict[str, dict[str, Any]] = {}
    docs: dict[str, str] = {}
    for contract in deployable:
        build_json = json.loads((build / "contracts" / f"{contract}.json").read_text())
        for item in build_json["abi"]:
            if item["type"] == "error" and item["name"] not in seen:
                seen[item["name"]] = item
        for node in _nodes(build_json["ast"]):
            if node.get("nodeType") == "ErrorDefinition":
                docs.setdefault(node["name"], (node.get("documentation") or {}).get("text", ""))
    for path in sorted(build.glob("*/*.json")):  # OpenZeppelin's errors are documented there
        for node in _nodes(json.loads(path.read_text()).get("ast", {})):
            if node.get("nodeType") == "ErrorDefinition" and node.get("documentation"):
                docs[node["name"]] = node["documentation"].get("text", "")
    enums: dict[str, dict[str, str]] = {}
    for name in sorted(seen):
        item = seen[name]
        out.append(f"\n\nclass {name}(ContractRevertError):\n")
        args = ", ".join(
            f"{i['name'] or f'arg{n}'} ({i['type']})" for n, i in enumerate(item["inputs"])
        )
        doc = _doc(docs.get(name, "")) if docs.get(name) else "A revert of the suite's contracts."
        out.append(_docstring(f"{doc} Arguments: {args or 'none'}.", "    "))
        for n, i in enumerate(item["inputs"]):
            enum = enum_of(i.get("internalType", ""))
            if enum:
                enums.setdefault(name, {})[i["name"] or f"arg{n}"] = enum
    out.append("\n\n#: Every class above, by Solidity name.\n")
    out.append("BY_NAME: dict[str, type[ContractRevertError]] = {\n")
    out += [f'    "{name}": {name},\n' for name in sorted(seen)]
    out.append("}\n")
    out.append("#: The enum of each enum-typed argument, by error and argument name.\n")
    out.append("ENUM_ARGUMENTS: dict[str, dict[str, type[IntEnum]]] = {\n")
    for name in sorted(enums):
        fields = ", ".join(f'"{a}": contract_types.{e}' for a, e in enums[name].items())
        out.append(f'    "{name}": {{{fields}}},\n')
    out.append("}\n")
    return "".join(out)
