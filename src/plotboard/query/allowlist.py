"""What raw SQL may contain: syntax-tree node types, functions, cast types and clauses.

Everything here is an allow-list. A node type, function or clause that is not listed is
refused, so a new sqlglot version that parses some new construct into a new node type makes
plotboard refuse it rather than pass it through. Functions are listed by sqlglot expression
class; unknown functions (sqlglot's `Anonymous`) are refused unless their lower-cased name is
in the database kind's `anonymous_functions` (`plotboard.sources.kinds`: the few the
date-grain expressions need).

Nothing listed reads files, reaches the network, sleeps, changes settings, or reveals who or
where the server is: no `pg_sleep`, `sleep`, `benchmark`, `load_file`, `read_csv`, `dblink`,
`lo_*`, `current_setting`, `version()`, `current_user`, `@@variables` and so on.
"""

from __future__ import annotations

from sqlglot import exp

from plotboard.sources import kinds


def _classes(names: str) -> frozenset[type[exp.Expr]]:
    found = {name: getattr(exp, name, None) for name in names.split()}
    missing = sorted(name for name, cls in found.items() if cls is None)
    if missing:  # a sqlglot upgrade renamed something: fail loudly, never widen the list
        raise RuntimeError(f"sqlglot no longer has {missing}")
    return frozenset(cls for cls in found.values() if cls is not None)


#: Structural nodes: queries, clauses, references, literals, operators.
ALLOWED_NODES: frozenset[type[exp.Expr]] = _classes(
    """
    Select Union Intersect Except Subquery With CTE TableAlias From Join Where Group Having
    Order Ordered Limit Offset Distinct Qualify Window WindowSpec Lateral
    Column Identifier Table Star Alias Literal Boolean Null Var Paren Tuple
    Case If In Between Exists Any All Cast TryCast DataType DataTypeParam Interval Filter
    WithinGroup Not Neg And Or Add Sub Mul Div IntDiv Mod EQ NEQ NullSafeEQ NullSafeNEQ
    GT GTE LT LTE Is Like ILike Escape DPipe BitwiseAnd BitwiseOr BitwiseXor BitwiseNot
    """
)

#: Functions, by sqlglot class: aggregates, window functions, math, text, dates, conditionals.
ALLOWED_FUNCTIONS: frozenset[type[exp.Expr]] = _classes(
    """
    Count Sum Avg Min Max CountIf Stddev StddevPop StddevSamp Variance VariancePop Median
    PercentileCont PercentileDisc ApproxDistinct GroupConcat AnyValue LogicalAnd LogicalOr
    Corr CovarPop CovarSamp
    RowNumber Rank DenseRank PercentRank CumeDist Ntile Lag Lead FirstValue LastValue NthValue
    Abs Round Ceil Floor Sqrt Cbrt Pow Exp Ln Log Sign Trunc Greatest Least Coalesce Nullif
    If Cast TryCast
    Lower Upper Length Trim Substring Concat ConcatWs Left Right StrPosition Initcap SplitPart
    Ascii Chr
    DateTrunc TimestampTrunc DatetimeTrunc Extract Year Month Day Quarter Week WeekOfYear
    DayOfWeek DayOfWeekIso DayOfMonth DayOfYear Hour Minute Second CurrentDate
    CurrentTimestamp DateAdd DateSub DateDiff TsOrDsAdd TsOrDsDiff TsOrDsToDate
    TsOrDsToTimestamp TimeToStr StrToDate StrToTime Date TimestampAdd TimestampSub
    TimestampDiff DateStrToDate TimeStrToTime LastDay ToChar UnixToTime TimeToUnix
    """
)

#: printf-like functions (lower-cased names) whose first argument is a format. It must be a
#: text literal whose widths and precisions are numbers no larger than `MAX_FORMAT_WIDTH`:
#: `printf('%.*c', 20000000, x)` builds a 20 MB value per row in one call, which no time
#: limit can stop mid-way (the database also caps value sizes; this says why sooner).
FORMAT_FUNCTIONS: frozenset[str] = frozenset({"printf", "format"})
MAX_FORMAT_WIDTH = 1_000

#: Types a CAST may target. `regclass`, `xml`, `oid` and friends reveal or reach too much.
ALLOWED_CAST_TYPES: frozenset[exp.DType] = frozenset(
    exp.DType[name]
    for name in (
        *("BIGINT", "INT", "SMALLINT", "TINYINT", "MEDIUMINT"),
        *("UBIGINT", "UINT", "USMALLINT", "UTINYINT", "UMEDIUMINT"),
        *("DECIMAL", "DOUBLE", "FLOAT", "BIGDECIMAL", "MONEY"),
        *("TEXT", "VARCHAR", "CHAR", "NCHAR", "NVARCHAR"),
        *("DATE", "DATETIME", "TIMESTAMP", "TIMESTAMPTZ", "TIMESTAMPLTZ", "TIMESTAMPNTZ"),
        *("TIME", "TIMETZ", "BOOLEAN"),
    )
)

#: Arguments a node may carry (with a value); any other argument is refused.
ALLOWED_ARGS: dict[type[exp.Expr], frozenset[str]] = {
    exp.Select: frozenset(
        {
            "expressions",
            "from_",
            "joins",
            "where",
            "group",
            "having",
            "order",
            "limit",
            "offset",
            "distinct",
            "with_",
            "qualify",
            "windows",
        }
    ),
    exp.Table: frozenset({"this", "db", "alias"}),
    exp.Join: frozenset({"this", "on", "side", "kind"}),
    exp.Column: frozenset({"this", "table"}),
    exp.Lateral: frozenset({"this", "alias"}),
    exp.Subquery: frozenset({"this", "alias", "order", "limit", "offset", "with_"}),
    exp.With: frozenset({"expressions", "recursive"}),
    exp.CTE: frozenset({"this", "alias"}),
    exp.Distinct: frozenset({"expressions"}),
    exp.Limit: frozenset({"expression"}),
    exp.Offset: frozenset({"expression"}),
    exp.Group: frozenset({"expressions"}),
}
for _set_op in (exp.Union, exp.Intersect, exp.Except):
    ALLOWED_ARGS[_set_op] = frozenset(
        {"this", "expression", "distinct", "with_", "order", "limit", "offset"}
    )

#: Join kinds: plain, inner, outer, cross. (NATURAL and USING come with `method`/`using`.)
ALLOWED_JOIN_KINDS: frozenset[str] = frozenset({"", "INNER", "OUTER", "CROSS"})
ALLOWED_JOIN_SIDES: frozenset[str] = frozenset({"", "LEFT", "RIGHT", "FULL"})

#: Schemas that hold system catalogs (lower case), and table-name prefixes of system catalogs:
#: every database kind's (`DatabaseKind.catalog_schemas`, `catalog_table_prefixes`), refused
#: whatever the source's kind.
SYSTEM_SCHEMAS: frozenset[str] = kinds.CATALOG_SCHEMAS
SYSTEM_TABLE_PREFIXES: tuple[str, ...] = kinds.CATALOG_TABLE_PREFIXES

#: Readable names for refused node types, so that the error says *what* was refused.
REFUSED_NODE_NAMES: dict[str, str] = {
    "Insert": "INSERT",
    "Update": "UPDATE",
    "Delete": "DELETE",
    "Merge": "MERGE",
    "Create": "CREATE",
    "Drop": "DROP",
    "Alter": "ALTER",
    "TruncateTable": "TRUNCATE",
    "Command": "this kind of statement",
    "Pragma": "PRAGMA",
    "Attach": "ATTACH",
    "Detach": "DETACH",
    "Set": "SET",
    "Copy": "COPY",
    "Use": "USE",
    "Describe": "DESCRIBE/EXPLAIN",
    "Show": "SHOW",
    "Into": "SELECT ... INTO",
    "Lock": "locking clauses (FOR UPDATE / FOR SHARE)",
    "Values": "VALUES lists",
    "Placeholder": "query parameters",
    "Parameter": "variables",
    "SessionParameter": "server variables",
    "Hint": "optimizer hints",
    "Pivot": "PIVOT",
    "Unnest": "UNNEST",
    "Array": "arrays",
    "Struct": "structs",
    "Bracket": "subscripts",
    "Dot": "nested field access",
    "Transaction": "transactions",
    "Commit": "transactions",
    "Rollback": "transactions",
    "Grant": "GRANT",
    "Revoke": "REVOKE",
    "Analyze": "ANALYZE",
    "Kill": "KILL",
    "Collate": "COLLATE",
    "ObjectIdentifier": "Casts to object identifiers (regclass, oid, ...)",
    "TableColumn": "A table name used as a column (whole-row reference)",
}
