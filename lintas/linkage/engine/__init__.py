"""Probabilistic record linkage (Fellegi-Sunter, with Splink) for the records of the hub.

Pure Python, no Django: ``train`` fits a model on the records themselves, ``predict``
scores candidate pairs and explains each one, ``cluster`` groups records into people at
a threshold. ``backend="spark"`` runs the same model and SQL on Spark. See
docs/linkage.md for how the model works and how to read a link's explanation.
"""

from .backend import BackendError
from .cluster import MAX_CLUSTER, PROPOSE_THRESHOLD, cluster
from .model import ENGINE_VERSION, TrainedModel, predict, train
from .records import Evidence, LinkInput, ScoredPair

__all__ = [
    "ENGINE_VERSION",
    "MAX_CLUSTER",
    "PROPOSE_THRESHOLD",
    "BackendError",
    "Evidence",
    "LinkInput",
    "ScoredPair",
    "TrainedModel",
    "cluster",
    "predict",
    "train",
]
