"""Tokens -> a syntax tree of groups, AND/OR, NOT/required and leaves.

The grammar's repairs live here (unbalanced parentheses without AND/OR, an
operator with nothing beside it: each adds a note) and so do its errors (two
binary operators in a row, unbalanced parentheses with AND/OR, nesting deeper
than :data:`MAX_DEPTH`). A leaf (word, phrase, wildcard, fuzzy word, date) is
built by the callback the parser is given, against the field scope it sits in:
``bind.py`` builds it against the index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .. import plan
from ..errors import QuerySyntaxError
from ..models import QueryTerm
from ..schema import AUTHORS, BODY, ID, PUBLISHED, SOURCE, TAGS, TITLE
from .lexer import Lexer, Token

DEFAULT_FIELDS: tuple[str, ...] = (TITLE, BODY)
"""Where a word without a field is searched."""
MAX_DEPTH = 40


@dataclass
class Leaf:
    query: plan.Node | None  # None: nothing searchable (stop words); NOTHING: matches nothing
    terms: tuple[QueryTerm, ...] = ()
    filter: bool = False  # a tag/author/source/date/id clause: restricts, never widens
    boost: float = 1.0  # word^N


@dataclass
class Not:
    child: Node


@dataclass
class Required:
    child: Node


@dataclass
class And:
    children: list[Node]


@dataclass
class Or:
    children: list[Node]


@dataclass
class Group:
    clauses: list[Node] = field(default_factory=list)
    boost: float = 1.0  # (group)^N


Node = Leaf | Not | Required | And | Or | Group


@dataclass(frozen=True)
class Scope:
    kind: str  # text, keyword, id, date
    fields: tuple[str, ...]


DEFAULT_SCOPE = Scope("text", DEFAULT_FIELDS)
SCOPES = {TITLE: Scope("text", (TITLE,)), BODY: Scope("text", (BODY,)),
          TAGS: Scope("keyword", (TAGS,)), AUTHORS: Scope("keyword", (AUTHORS,)),
          SOURCE: Scope("keyword", (SOURCE,)), ID: Scope("id", (ID,)),
          PUBLISHED: Scope("date", (PUBLISHED,))}

BindLeaf = Callable[[Token, Scope], Leaf]


class Parser:
    """Recursive descent: group := clause*; clause := or; or := and (OR and)*;
    and := unary (AND unary)*; unary := (NOT|!|-|+)* primary;
    primary := ( group ) boost? | field:value | "phrase" boost? | word boost?
    (the lexer reads a boost ``^N`` into the token it follows).

    Each leaf token goes to ``bind_leaf`` with its field scope, in query order (so
    notes and the first error come out in reading order); the parser itself
    never touches the index."""

    def __init__(self, text: str, norm: str, notes: list[str], bind_leaf: BindLeaf) -> None:
        self.text, self.notes, self.bind_leaf = text, notes, bind_leaf
        self.toks = self.balance(Lexer(text, norm, notes).run())
        self.i = 0
        self.depth = 0
        self.scope = DEFAULT_SCOPE

    def error(self, message: str, pos: int, hint: str = "") -> QuerySyntaxError:
        return QuerySyntaxError(message, query=self.text, position=pos, hint=hint)

    def balance(self, toks: list[Token]) -> list[Token]:
        binary = any(t.kind in ("AND", "OR") for t in toks)
        opened: list[int] = []
        stray: list[int] = []
        for k, t in enumerate(toks):
            if t.kind == "(":
                opened.append(k)
            elif t.kind == ")":
                if opened:
                    opened.pop()
                else:
                    stray.append(k)
        if not opened and not stray:
            return toks
        if binary:
            if stray and (not opened or stray[0] < opened[0]):
                raise self.error(") has no matching (", toks[stray[0]].pos,
                                 "remove it or add a ( before it")
            raise self.error("missing ) to close the group opened here", toks[opened[-1]].pos,
                             "add a ) where the group ends")
        for k in stray:
            self.notes.append(f"The unmatched ) at position {toks[k].pos + 1} was ignored.")
        for k in opened:
            self.notes.append(f"The ( at position {toks[k].pos + 1} was closed at the end "
                              "of the query.")
        end = len(self.text)
        dropped = set(stray)
        return [t for k, t in enumerate(toks) if k not in dropped] + [
            Token(")", end, end, ")") for _ in opened]

    def peek(self) -> Token | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> Token:
        t = self.toks[self.i]
        self.i += 1
        return t

    def group(self) -> Group:
        clauses: list[Node] = []
        while (t := self.peek()) is not None and t.kind != ")":
            if t.kind in ("AND", "OR"):
                self.notes.append(f"The {t.text} at position {t.pos + 1} has nothing before "
                                  "it, so it was ignored.")
                self.i += 1
                continue
            node = self.or_()
            if node is not None:
                clauses.append(node)
        return Group(clauses)

    def missing_operand(self, op: Token) -> bool:
        """True (and a note) when nothing follows a binary operator in its group."""
        t = self.peek()
        if t is None or t.kind == ")":
            self.notes.append(f"The {op.text} at position {op.pos + 1} has nothing after it, "
                              "so it was ignored.")
            return True
        if t.kind in ("AND", "OR"):
            raise self.error(f"{t.text} cannot follow {op.text}", t.pos,
                             "put a word between them or remove one")
        return False

    def or_(self) -> Node | None:
        return self.chain("OR", self.and_, Or)

    def and_(self) -> Node | None:
        return self.chain("AND", self.unary, And)

    def chain(self, kind: str, operand: Callable[[], Node | None],
              node: Callable[[list[Node]], Node]) -> Node | None:
        """``operand (kind operand)*`` as one ``node`` (the operand alone if it is one)."""
        children = [operand()]
        while (t := self.peek()) is not None and t.kind == kind:
            op = self.take()
            if self.missing_operand(op):
                break
            children.append(operand())
        kept = [c for c in children if c is not None]
        return None if not kept else kept[0] if len(kept) == 1 else node(kept)

    def unary(self) -> Node | None:
        negate = required = False
        while (t := self.peek()) is not None and t.kind in ("NOT", "-", "+"):
            self.i += 1
            if t.kind == "+":
                required = True
            else:
                negate = not negate
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "AND", "OR"):
                self.notes.append(f"The {t.text} at position {t.pos + 1} has nothing after "
                                  "it, so it was ignored.")
                return None
        node = self.primary()
        if node is None:
            return None
        return Not(node) if negate else Required(node) if required else node

    def primary(self) -> Node | None:
        t = self.take()
        if t.kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error("the query nests parentheses too deeply", t.pos,
                                 f"use at most {MAX_DEPTH} levels")
            node = self.group()
            node.boost = self.take().boost  # the ")" (balance() guarantees it)
            self.depth -= 1
            return node if node.clauses else None
        if t.kind == "FIELD":
            outer, self.scope = self.scope, SCOPES[t.text]
            try:
                return self.primary()
            finally:
                self.scope = outer
        leaf = self.bind_leaf(t, self.scope)
        leaf.boost = t.boost
        return leaf

