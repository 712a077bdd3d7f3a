"""A small, strict expression language for "cases of interest" over worlds.

``sim discover --where`` takes an expression such as::

    net_benefit[big_bang] > net_benefit[phased]
    total_cost[big_bang | high] - total_cost[phased | high] > 50 and halted[big_bang | high] == 0

Grammar (``not`` binds tighter than ``and``, which binds tighter than ``or``)::

    expression := conjunction ("or" conjunction)*
    conjunction := negation ("and" negation)*
    negation   := "not" negation | comparison
    comparison := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := "-" unary | atom
    atom       := NUMBER | OUTCOME "[" CONDITION "]" | OUTCOME | "(" expression ")"

``OUTCOME[CONDITION]`` is the outcome's mean over the replicates of that condition in each
world; ``CONDITION`` is a condition's label as in ``runs.csv`` (``big_bang | high``). A bare
``OUTCOME`` is allowed when there is only one condition. The whole expression must be a
truth value (a comparison, or comparisons joined by ``and``/``or``/``not``).

The text is never handed to ``eval`` or to pandas: it is tokenised and parsed here into a
tree of a few node types, checked (names, conditions, types) before anything is
evaluated, and evaluated with NumPy. A world in which a value the expression needs is
undefined (the outcome was never reached, or every run failed) is *undefined* for the
expression, not false. Every problem is an :class:`InputError` with ``key="--where"`` and a
one-line message that names the problem and its position.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError, nearest

KEY = "--where"
COMPARISONS = ("<=", ">=", "==", "!=", "<", ">")
_TOKEN = re.compile(
    r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<condition>\[[^\[\]]*\])"
    r"|(?P<op><=|>=|==|!=|<|>|\+|-|\*|/|\(|\)))"
)
WORDS = ("and", "or", "not")
MAX_DEPTH = 50
"""Deepest nesting of parentheses, ``not`` and unary minus accepted."""
MAX_LENGTH = 500
"""Longest expression accepted (characters)."""


@dataclass(frozen=True)
class Token:
    kind: str  # number, name, condition, op, word, end
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``; an unexpected character is an error naming its position."""
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            where = len(text[pos:]) - len(text[pos:].lstrip()) + pos
            raise _error(f"unexpected character {text[where]!r}", where)
        kind = match.lastgroup
        value = match.group(kind)
        start = match.start(kind)
        if kind == "name" and value in WORDS:
            kind = "word"
        tokens.append(Token(kind, value, start))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _error(message: str, pos: int | None = None) -> InputError:
    where = f" at position {pos + 1}" if pos is not None else ""
    return InputError(f"{message}{where}", key=KEY)


# --- The tree ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Ref:
    """An outcome in one condition (its ``point``)."""

    outcome: str
    point: int


@dataclass(frozen=True)
class Negative:
    operand: Node


@dataclass(frozen=True)
class Arithmetic:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Comparison:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Logic:
    op: str  # "and" or "or"
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    operand: Node


Node = Number | Ref | Negative | Arithmetic | Comparison | Logic | Not
BOOLEAN = (Comparison, Logic, Not)


@dataclass(frozen=True)
class Expression:
    """A parsed, checked expression: its text, its tree, and the values it reads."""

    text: str
    tree: Node

    @property
    def refs(self) -> list[Ref]:
        """Every ``OUTCOME[CONDITION]`` the expression reads, in order, without repeats."""
        found: list[Ref] = []

        def walk(node: Node) -> None:
            if isinstance(node, Ref) and node not in found:
                found.append(node)
            for child in ("operand", "left", "right"):
                if hasattr(node, child):
                    walk(getattr(node, child))

        walk(self.tree)
        return found

    def evaluate(self, values: Mapping[Ref, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """``(truth, defined)`` per world from each ref's values per world (NaN: undefined).

        ``truth`` is False wherever ``defined`` is False.
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            result, defined = _evaluate(self.tree, values)
        return result & defined, defined


def _evaluate(node: Node, values: Mapping[Ref, np.ndarray]):
    """Numbers come back as float arrays (NaN: undefined); truths as (bool, defined)."""
    if isinstance(node, Number):
        return np.float64(node.value)
    if isinstance(node, Ref):
        return np.asarray(values[node], dtype=float)
    if isinstance(node, Negative):
        return -_evaluate(node.operand, values)
    if isinstance(node, Arithmetic):
        a, b = _evaluate(node.left, values), _evaluate(node.right, values)
        return {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}[node.op](a, b)
    if isinstance(node, Comparison):
        a, b = _evaluate(node.left, values), _evaluate(node.right, values)
        ops = {
            "<": np.less,
            "<=": np.less_equal,
            ">": np.greater,
            ">=": np.greater_equal,
            "==": np.equal,
            "!=": np.not_equal,
        }
        defined = ~np.isnan(a) & ~np.isnan(b)
        return ops[node.op](a, b), defined
    if isinstance(node, Not):
        truth, defined = _evaluate(node.operand, values)
        return ~truth, defined
    (ta, da), (tb, db) = _evaluate(node.left, values), _evaluate(node.right, values)
    truth = (ta & tb) if node.op == "and" else (ta | tb)
    return truth, da & db


# --- The parser -------------------------------------------------------------------------


def parse_where(text: str, outcomes: Sequence[str], conditions: Mapping[int, str]) -> Expression:
    """Parse and check ``text`` against the outcome names and condition labels.

    ``outcomes`` are the outcome columns that may be used; ``conditions`` maps each
    condition's ``point`` to its label.
    """
    if not text.strip():
        raise _error("empty expression")
    if len(text) > MAX_LENGTH:
        raise _error(f"longer than {MAX_LENGTH} characters")
    parser = _Parser(tokenize(text), list(outcomes), dict(conditions))
    tree = parser.expression()
    end = parser.peek()
    if end.kind != "end":
        raise _error(f"unexpected {end.text!r}", end.pos)
    if not isinstance(tree, BOOLEAN):
        raise _error("the expression must be a comparison, e.g. a[x] > a[y]")
    return Expression(text, tree)


class _Parser:
    """Recursive descent over the grammar in the module docstring."""

    def __init__(self, tokens: list[Token], outcomes: list[str], conditions: dict[int, str]):
        self.tokens, self.i, self.depth = tokens, 0, 0
        self.outcomes = outcomes
        self.conditions = conditions
        self.by_label = {_normal(label): point for point, label in conditions.items()}

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def nest(self, token: Token) -> None:
        """Count one more level of nesting; a pathological depth is an error, not a crash."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _error(f"nested more than {MAX_DEPTH} levels deep", token.pos)

    def accept(self, *texts: str) -> Token | None:
        token = self.peek()
        if token.kind in ("op", "word") and token.text in texts:
            return self.take()
        return None

    def expression(self) -> Node:
        node = self.conjunction()
        while (token := self.accept("or")) is not None:
            node = Logic("or", *self._truths(node, self.conjunction(), token))
        return node

    def conjunction(self) -> Node:
        node = self.negation()
        while (token := self.accept("and")) is not None:
            node = Logic("and", *self._truths(node, self.negation(), token))
        return node

    def negation(self) -> Node:
        token = self.accept("not")
        if token is None:
            return self.comparison()
        self.nest(token)
        operand = self.negation()
        self.depth -= 1
        if not isinstance(operand, BOOLEAN):
            raise _error("'not' needs a comparison after it", token.pos)
        return Not(operand)

    def comparison(self) -> Node:
        left = self.sum()
        token = self.accept(*COMPARISONS)
        if token is None:
            return left
        right = self.sum()
        for side in (left, right):
            if isinstance(side, BOOLEAN):
                raise _error(f"'{token.text}' compares numbers, not truths", token.pos)
        if self.peek().text in COMPARISONS:
            raise _error(
                "chained comparisons are not allowed; join them with 'and'", self.peek().pos
            )
        return Comparison(token.text, left, right)

    def sum(self) -> Node:
        node = self.product()
        while (token := self.accept("+", "-")) is not None:
            node = Arithmetic(token.text, *self._numbers(node, self.product(), token))
        return node

    def product(self) -> Node:
        node = self.unary()
        while (token := self.accept("*", "/")) is not None:
            node = Arithmetic(token.text, *self._numbers(node, self.unary(), token))
        return node

    def unary(self) -> Node:
        token = self.accept("-")
        if token is None:
            return self.atom()
        self.nest(token)
        operand = self.unary()
        self.depth -= 1
        self._numbers(operand, operand, token)
        return Negative(operand)

    def atom(self) -> Node:
        token = self.take()
        if token.kind == "number":
            return Number(float(token.text))
        if token.kind == "name":
            return self.reference(token)
        if token.kind == "op" and token.text == "(":
            self.nest(token)
            node = self.expression()
            self.depth -= 1
            close = self.take()
            if close.text != ")":
                raise _error("missing ')'", close.pos)
            return node
        if token.kind == "end":
            raise _error("the expression ends too early", token.pos)
        if token.kind == "condition":
            raise _error(f"{token.text} must follow an outcome name", token.pos)
        raise _error(f"unexpected {token.text!r}", token.pos)

    def reference(self, name: Token) -> Ref:
        if name.text not in self.outcomes:
            near = nearest(name.text, self.outcomes)
            hint = f"; did you mean '{near}'?" if near else ""
            raise _error(f"unknown outcome '{name.text}'{hint}", name.pos)
        if self.peek().kind != "condition":
            if len(self.conditions) == 1:
                return Ref(name.text, next(iter(self.conditions)))
            first = next(iter(self.conditions.values()))
            raise _error(f"say which condition, e.g. {name.text}[{first}]", name.pos)
        token = self.take()
        label = _normal(token.text[1:-1])
        if label not in self.by_label:
            valid = list(self.conditions.values())
            near = nearest(label, valid)
            hint = f"did you mean '{near}'?" if near else f"conditions: {'; '.join(valid)}"
            raise _error(f"unknown condition '{label}' ({hint})", token.pos)
        return Ref(name.text, self.by_label[label])

    @staticmethod
    def _numbers(left: Node, right: Node, token: Token) -> tuple[Node, Node]:
        if isinstance(left, BOOLEAN) or isinstance(right, BOOLEAN):
            raise _error(f"'{token.text}' needs numbers on both sides", token.pos)
        return left, right

    @staticmethod
    def _truths(left: Node, right: Node, token: Token) -> tuple[Node, Node]:
        if not isinstance(left, BOOLEAN) or not isinstance(right, BOOLEAN):
            raise _error(f"'{token.text}' needs comparisons on both sides", token.pos)
        return left, right


def _normal(label: str) -> str:
    """A condition label with its spacing normalised: ``big_bang|high`` -> ``big_bang | high``."""
    return " | ".join(part.strip() for part in label.split("|")).strip()
