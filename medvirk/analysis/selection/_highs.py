"""Thin helpers around ``highspy`` so the optimisers speak numpy, not HiGHS structs."""

from __future__ import annotations

import highspy
import numpy as np

INF = highspy.kHighsInf


class SolverFailure(RuntimeError):
    """Raise when HiGHS ends with a status the caller did not expect."""


def new_highs() -> highspy.Highs:
    """Return a silent HiGHS instance with a fixed random seed.

    The thread count is left at HiGHS's default on purpose: HiGHS sizes one scheduler per process
    on first use, and an instance asking for a different count afterwards fails without solving
    (status kNotset). Suppression (``analysis.suppression``) uses the default too, so both must.
    """
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    return h


def pass_model(
    h: highspy.Highs,
    cost: np.ndarray,
    matrix: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    *,
    integer: bool = False,
    maximize: bool = False,
) -> None:
    """Load a model given as a dense ``matrix`` (rows × columns) into ``h``."""
    num_row, num_col = matrix.shape
    lp = highspy.HighsLp()
    lp.num_col_ = num_col
    lp.num_row_ = num_row
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    # Column-wise sparse storage is what HiGHS keeps internally, so no conversion happens later.
    nonzero = matrix.T != 0
    counts = nonzero.sum(axis=1)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    lp.a_matrix_.index_ = np.nonzero(nonzero)[1].astype(np.int32)
    lp.a_matrix_.value_ = matrix.T[nonzero].astype(np.float64)
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * num_col
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    status = h.passModel(lp)
    if status == highspy.HighsStatus.kError:
        raise SolverFailure("HiGHS rejected the model")


def model_status(h: highspy.Highs) -> highspy.HighsModelStatus:
    """Return the model status of the last run."""
    return h.getModelStatus()


def is_optimal(h: highspy.Highs) -> bool:
    """Return whether the last run proved optimality."""
    return h.getModelStatus() == highspy.HighsModelStatus.kOptimal


def is_infeasible(h: highspy.Highs) -> bool:
    """Return whether the last run proved the model infeasible."""
    return h.getModelStatus() in (
        highspy.HighsModelStatus.kInfeasible,
        highspy.HighsModelStatus.kUnboundedOrInfeasible,
    )
