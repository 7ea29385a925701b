"""The one place that knows which database Splink runs on: DuckDB here, Spark at scale."""

from __future__ import annotations

import importlib
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]

from .features import FeatureTable

__all__ = ["Backend", "BackendError", "open_backend"]

_ARRAY_COLUMNS = frozenset({"name_tokens"})
_INT_COLUMNS = frozenset({"birth_year", "birth_month", "birth_day", "birth_days"})
_BOOL_COLUMNS = frozenset({"is_new", "name_common"})


class BackendError(RuntimeError):
    """The requested backend cannot run here (unknown name, Spark not available)."""


def _arrow(cols: FeatureTable) -> pa.Table:
    arrays = {}
    for name, values in cols.items():
        if name in _ARRAY_COLUMNS:
            kind: pa.DataType = pa.list_(pa.string())
        elif name in _INT_COLUMNS:
            kind = pa.int32()
        elif name in _BOOL_COLUMNS:
            kind = pa.bool_()
        else:
            kind = pa.string()
        arrays[name] = pa.array(values, type=kind)
    return pa.table(arrays)


class Backend:
    """A Splink database API with the two things the engine needs beyond it."""

    def __init__(self, name: str, api: Any) -> None:
        self.name = name
        self.api = api
        self.dialect: str = api.sql_dialect.sql_dialect_str

    def register(self, cols: FeatureTable) -> Any:
        """Hand the feature table to the database; returns a Splink dataframe."""
        table = _arrow(cols)
        if self.name == "spark":
            spark = self.api.spark
            return self.api.register(spark.createDataFrame(table.to_pandas()))
        return self.api.register(table)

    def rows(self, frame: Any, columns: list[str]) -> list[tuple[Any, ...]]:
        """The given columns of a Splink dataframe, as tuples."""
        sql = f"SELECT {', '.join(columns)} FROM {frame.physical_name}"  # noqa: S608
        if self.name == "spark":
            return [tuple(row) for row in self.api.spark.sql(sql).collect()]
        result: list[tuple[Any, ...]] = self.api._con.execute(sql).fetchall()
        return result

    def close(self) -> None:
        """Free the database (DuckDB's in-memory connection); Spark's session stays."""
        if self.name == "duckdb":
            self.api._con.close()


def open_backend(name: str) -> Backend:
    """A fresh Splink database API for ``name`` ("duckdb" or "spark")."""
    if name == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect(":memory:")
        return Backend(name, DuckDBAPI(connection))
    if name == "spark":
        try:
            module = importlib.import_module("lintas.linkage.engine.spark")
        except ImportError as error:
            raise BackendError(
                "the Spark backend is not available: lintas.linkage.engine.spark is missing"
            ) from error
        return Backend(name, module.spark_api())
    raise BackendError(f"unknown linkage backend {name!r}: use 'duckdb' or 'spark'")
