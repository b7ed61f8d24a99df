"""Locust scenario of `bench/load.py`: anonymous GETs of one path (BENCH_PATH), nothing else."""

import os

from locust import HttpUser, constant, task


class Visitor(HttpUser):
    wait_time = constant(0)

    @task
    def page(self) -> None:
        self.client.get(os.environ.get("BENCH_PATH", "/"), name="page")
