"""The linkage model on Spark: one local Spark session per process, for the national scale.

DuckDB is the default backend of the linkage engine. With the setting
``LINTAS_LINKAGE_BACKEND=spark`` (an environment variable, read by whoever calls the engine:
the hub's settings, the ``lintas linkage run`` command) the same trained model runs through
Splink's Spark backend instead, and gives the same pairs, weights and clusters.

:func:`spark_api` starts the session on first use and hands out a Splink ``SparkAPI`` on it.
The session is local (``local[cores]``, no cluster needed) and quiet:

- no web UI, few shuffle partitions (Spark's default of 200 is made for clusters; a local
  run spends its time scheduling empty tasks);
- Splink's jar of string similarity functions (``jaccard``, double metaphone, ...) on the
  class path, registered as SQL functions; but ``jaro_winkler``, ``jaro_sim`` and
  ``damerau_levenshtein`` are this module's own (below), because the jar's do not give
  DuckDB's values;
- its scratch space (checkpoints, where Splink writes intermediate tables as Parquet;
  shuffle files; the warehouse) in one temporary folder, removed when the process ends;
- log messages from Spark's Java side only when they are errors;
- times in UTC, so dates read the same on every machine.

The same model must give the same pairs and weights on both backends, so the string
similarities the comparisons use must be DuckDB's to the last bit: a Jaro-Winkler of
0.9199999 on one and 0.92 on the other puts a pair in different levels. The jar's
Jaro-Winkler differs from DuckDB's for about a third of name pairs (by up to 0.13: it
counts matching characters in another way). So these three are registered as vectorised
Python functions (Arrow batches) over ``rapidfuzz``, the library DuckDB's own functions
come from, with DuckDB's conventions kept: two empty strings have similarity 0, and the
Winkler step is one fused multiply-add, as DuckDB's compiled code does it.
``tests/linkage/test_spark.py`` checks them against DuckDB on thousands of pairs.

Starting Spark takes seconds, so the first session is kept and reused: later calls get a new
``SparkAPI`` on the same session, and ``cores`` and ``memory`` of later calls are ignored.
Spark needs a Java runtime (17 or later; ``scripts/test-deps`` installs Debian's
``default-jre-headless`` when ``java`` is missing) and the ``spark`` extra of the package
(``pip install 'lintas[spark]'``); without one of them :func:`spark_api` raises
:class:`SparkUnavailable` saying which.
"""

from __future__ import annotations

import atexit
import importlib
import math
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from splink.internals.spark.database_api import SparkAPI

BACKEND_SETTING = "LINTAS_LINKAGE_BACKEND"
APP_NAME = "lintas-linkage"

# Only errors from the Java side; Spark's own INFO and WARN lines (native Hadoop libraries,
# loopback address, ...) say nothing an operator can act on. Spark reads the level of its
# Python gateway's logger as the one to use at start-up, hence the second logger.
_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
logger.shell.name = org.apache.spark.api.python.PythonGatewayServer
logger.shell.level = error
"""


# The Winkler bonus: 0.1 per leading character in common, at most four, for a Jaro
# similarity above 0.7 (DuckDB's and rapidfuzz's constants).
_PREFIX_WEIGHT = 0.1
_PREFIX_MAX = 4
_WINKLER_FROM = 0.7


def _fma(x: float, y: float, z: float) -> float:
    """``x * y + z`` rounded once (``math.fma`` from Python 3.13, exact fractions before)."""
    fma: Callable[[float, float, float], float] | None = getattr(math, "fma", None)
    if fma is not None:
        return fma(x, y, z)
    return float(Fraction(x) * Fraction(y) + Fraction(z))


def jaro_values(left: Sequence[str | None], right: Sequence[str | None]) -> list[float | None]:
    """DuckDB's ``jaro_similarity`` of each pair; None where either side is None."""
    return _similarities(left, right, winkler=False)


def jaro_winkler_values(
    left: Sequence[str | None], right: Sequence[str | None]
) -> list[float | None]:
    """DuckDB's ``jaro_winkler_similarity`` of each pair; None where either side is None."""
    return _similarities(left, right, winkler=True)


def _similarities(
    left: Sequence[str | None], right: Sequence[str | None], *, winkler: bool
) -> list[float | None]:
    from rapidfuzz.distance import Jaro
    from rapidfuzz.process import cpdist

    out: list[float | None] = [None] * len(left)
    both = [
        i
        for i, (a, b) in enumerate(zip(left, right, strict=True))
        if a is not None and b is not None
    ]
    if not both:
        return out
    lefts = [str(left[i]) for i in both]
    rights = [str(right[i]) for i in both]
    jaro = cpdist(lefts, rights, scorer=Jaro.similarity, dtype="float64", workers=1)
    for i, a, b, value in zip(both, lefts, rights, jaro.tolist(), strict=True):
        if not a and not b:
            out[i] = 0.0
            continue
        if winkler and value > _WINKLER_FROM:
            prefix = 0
            for x, y in zip(a[:_PREFIX_MAX], b[:_PREFIX_MAX], strict=False):
                if x != y:
                    break
                prefix += 1
            value = _fma(prefix * _PREFIX_WEIGHT, 1.0 - value, value)
        out[i] = value
    return out


def damerau_levenshtein_values(
    left: Sequence[str | None], right: Sequence[str | None]
) -> list[int | None]:
    """DuckDB's ``damerau_levenshtein`` (unrestricted) of each pair; None for a None side."""
    from rapidfuzz.distance import DamerauLevenshtein
    from rapidfuzz.process import cpdist

    out: list[int | None] = [None] * len(left)
    both = [
        i
        for i, (a, b) in enumerate(zip(left, right, strict=True))
        if a is not None and b is not None
    ]
    if not both:
        return out
    distances = cpdist(
        [str(left[i]) for i in both],
        [str(right[i]) for i in both],
        scorer=DamerauLevenshtein.distance,
        dtype="int64",
        workers=1,
    )
    for i, value in zip(both, distances.tolist(), strict=True):
        out[i] = value
    return out


def _arrow_function(values: Callable[[list[Any], list[Any]], list[Any]]) -> Callable[..., Any]:
    """``values`` over two Arrow arrays of strings, giving an Arrow array of doubles.

    The function has no annotations: Spark takes such a function for a scalar Arrow
    function (it reads the kind of a Python function from its annotations).
    """
    pa: Any = importlib.import_module("pyarrow")
    return lambda left, right: pa.array(
        values(left.to_pylist(), right.to_pylist()), type=pa.float64()
    )


def _register_similarities(spark: Any) -> None:
    """Put DuckDB's string similarities in place of the jar's, under the names Splink uses."""
    from pyspark.sql.pandas.functions import arrow_udf

    scalar_arrow: Any = arrow_udf  # its stubs want a function type that the code infers
    spark.udf.register("jaro_winkler", scalar_arrow(_arrow_function(jaro_winkler_values), "double"))
    spark.udf.register("jaro_sim", scalar_arrow(_arrow_function(jaro_values), "double"))
    spark.udf.register(
        "damerau_levenshtein", scalar_arrow(_arrow_function(damerau_levenshtein_values), "double")
    )


class SparkUnavailable(RuntimeError):
    """Spark cannot start here: no Java runtime, or pyspark not installed."""


@dataclass
class _Session:
    spark: Any  # pyspark.sql.SparkSession
    scratch: Path
    cores: int
    memory: str


_lock = threading.Lock()
_session: _Session | None = None


def java_runtime() -> str:
    """The ``java`` that Spark will start, or :class:`SparkUnavailable`."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = str(Path(java_home) / "bin" / "java") if java_home else (shutil.which("java") or "")
    if not candidate or not os.access(candidate, os.X_OK):
        where = f"JAVA_HOME={java_home} has no bin/java" if java_home else "no java on PATH"
        raise SparkUnavailable(
            f"The Spark linkage backend needs a Java runtime (17 or later): {where}. "
            "Install one (Debian: apt-get install default-jre-headless; scripts/test-deps "
            f"does it) or unset {BACKEND_SETTING} to link with DuckDB."
        )
    return candidate


def _start(*, cores: int, memory: str) -> _Session:
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise SparkUnavailable(
            "The Spark linkage backend needs pyspark: pip install 'lintas[spark]', "
            f"or unset {BACKEND_SETTING} to link with DuckDB."
        ) from error
    from splink.backends.spark import similarity_jar_location

    java_runtime()
    scratch = Path(tempfile.mkdtemp(prefix="lintas-spark-"))
    log_config = scratch / "log4j2.properties"
    log_config.write_text(_LOG4J2, encoding="utf-8")
    java_options = f"-Dlog4j2.configurationFile=file:{log_config} -Dderby.system.home={scratch}"
    # Python workers (for any Python code Spark runs) are this interpreter, not a `python3`
    # found on PATH with other packages.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    partitions = str(max(2, cores * 2))
    builder = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(APP_NAME)
        .config("spark.driver.memory", memory)
        .config("spark.driver.extraJavaOptions", java_options)
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", partitions)
        .config("spark.default.parallelism", partitions)
        .config("spark.local.dir", str(scratch / "local"))
        .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
    )
    try:
        spark = builder.getOrCreate()
    except Exception as error:
        shutil.rmtree(scratch, ignore_errors=True)
        raise SparkUnavailable(f"Spark did not start: {error}") from error
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(str(scratch / "checkpoints"))
    return _Session(spark=spark, scratch=scratch, cores=cores, memory=memory)


def spark_session(*, cores: int = 2, memory: str = "2g") -> Any:
    """The process's local Spark session (a ``pyspark.sql.SparkSession``), started once."""
    global _session
    with _lock:
        if _session is None:
            _session = _start(cores=cores, memory=memory)
            atexit.register(stop)
        return _session.spark


def scratch_folder() -> Path | None:
    """The running session's scratch folder (removed when it stops), or None."""
    with _lock:
        return None if _session is None else _session.scratch


def spark_api(*, cores: int = 2, memory: str = "2g", lineage: str = "persist") -> SparkAPI:
    """A Splink ``SparkAPI`` on the process's local Spark session (started on first use).

    ``cores`` is the number of worker threads (``local[cores]``) and ``memory`` the Java
    heap of the driver, which in local mode does all the work (``"2g"``, ``"6g"``); both
    count only for the call that starts the session. ``lineage`` is how Splink keeps its
    intermediate tables: ``"persist"`` (Spark's cache, in memory and spilled to disk: several
    times faster on one machine) or ``"parquet"`` (files in the checkpoint folder). Raises
    :class:`SparkUnavailable` when Java or pyspark is missing.
    """
    spark = spark_session(cores=cores, memory=memory)
    from splink.backends.spark import SparkAPI

    # Splink registers the jar's functions on every new SparkAPI; DuckDB's go over them.
    api: SparkAPI = SparkAPI(spark_session=spark, break_lineage_method=lineage)  # type: ignore[no-untyped-call]
    _register_similarities(spark)
    return api


def release() -> None:
    """Free what finished linkage runs left in the session: cached tables, views, files.

    Splink drops neither its cached intermediate tables nor their Parquet copies; a hub
    process that links every night would keep them all. Call this when no run is under way.
    """
    with _lock:
        session = _session
    if session is None:
        return
    spark = session.spark
    spark.catalog.clearCache()
    for table in spark.catalog.listTables():
        if table.isTemporary:
            spark.catalog.dropTempView(table.name)
    # Spark checks points in a folder of its own under ours; Splink's files are inside it.
    for own in (session.scratch / "checkpoints").glob("*"):
        for written in own.iterdir():
            shutil.rmtree(written, ignore_errors=True)


def stop() -> None:
    """Stop the session, if one runs, and remove its scratch folder (also done at exit)."""
    global _session
    with _lock:
        session, _session = _session, None
    if session is None:
        return
    try:
        session.spark.stop()
    finally:
        shutil.rmtree(session.scratch, ignore_errors=True)
