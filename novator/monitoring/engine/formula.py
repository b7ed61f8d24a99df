"""A tiny, safe arithmetic over data element codes: codes, numbers, + − × ÷ and parentheses.

Parsed with `ast` (never `eval`); anything else is refused with a clear message. Evaluation works in
`Decimal`; a missing value or a division by zero gives `None` (no value), never an error.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_LENGTH = 500

_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)


@functools.lru_cache(maxsize=512)
def parse(text: str) -> ast.Expression:
    """The syntax tree of a formula, or ValidationError naming what is not allowed. Cached: the
    recomputation evaluates the same few formulas for every organisation (the tree is never changed)."""
    if len(text) > MAX_LENGTH:
        raise ValidationError(_("The formula is too long."), code="formula")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise ValidationError(_("The formula is not a valid expression."), code="formula") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.BinOp | ast.UnaryOp | ast.Name | ast.Load):
            if isinstance(node, ast.BinOp) and not isinstance(node.op, _OPS):
                raise ValidationError(_("Only + − × ÷ are allowed in a formula."), code="formula")
            if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.USub | ast.UAdd):
                raise ValidationError(_("Only + − × ÷ are allowed in a formula."), code="formula")
            continue
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            continue
        if isinstance(node, ast.operator | ast.unaryop):
            continue
        raise ValidationError(
            _("Only data element codes, numbers, + − × ÷ and parentheses are allowed in a formula."),
            code="formula",
        )
    return tree


def names(text: str) -> set[str]:
    """The data element codes a formula uses ('' uses none)."""
    if not text.strip():
        return set()
    return {node.id for node in ast.walk(parse(text)) if isinstance(node, ast.Name)}


def evaluate(
    text: str, values: Mapping[str, Decimal | None], *, empty: Decimal | None = None
) -> Decimal | None:
    """The value of a formula, or None when a value is missing or a divisor is zero."""
    if not text.strip():
        return empty
    return _eval(parse(text).body, values)


def _eval(node: ast.AST, values: Mapping[str, Decimal | None]) -> Decimal | None:
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        return values.get(node.id)
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, values)
        if operand is None:
            return None
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, values), _eval(node.right, values)
        if left is None or right is None:
            return None
        try:
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if right == 0:
                return None
            return left / right
        except InvalidOperation:
            return None
    raise ValidationError(_("The formula is not a valid expression."), code="formula")


def indicator_value(
    *, numerator: str, denominator: str, factor: Decimal, values: Mapping[str, Decimal | None]
) -> Decimal | None:
    """numerator / denominator × factor, None when any part has no value or the denominator is zero."""
    top = evaluate(numerator, values)
    bottom = evaluate(denominator, values, empty=Decimal(1))
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom * factor
