"""The composition root: what building a service sets up beyond the objects it returns."""

from __future__ import annotations

from pathlib import Path

from threadpoolctl import threadpool_info, threadpool_limits

from tests.conftest import make_service


def test_building_a_service_keeps_numpy_blas_on_one_thread(tmp_path: Path) -> None:
    with threadpool_limits(limits=2, user_api="blas"):
        make_service(tmp_path / "data")
        blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
        assert blas and all(pool["num_threads"] == 1 for pool in blas)
