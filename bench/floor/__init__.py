"""Benchmark floor: one INSERT of a fixed row, installed only when MEDVIRK_BENCH_FLOOR=1."""
