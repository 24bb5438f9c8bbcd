#!/usr/bin/python3
"""hnswlib on the data the C# `hnsw` mode dumped (--dump DIR): same m, ef_construct and ef values, one thread each
for build and queries (our build is one writer too), recall@10 against an exact numpy scan.
Usage: /usr/bin/python3 bench/Sage.Bench.Vectors/hnswlib_compare.py DIR DIM [EF ...]"""
import sys, time
import numpy as np
import hnswlib

directory, dim = sys.argv[1], int(sys.argv[2])
efs = [int(e) for e in sys.argv[3:]] or [64, 256]
data = np.fromfile(f"{directory}/data.f32", dtype=np.float32).reshape(-1, dim)
queries = np.fromfile(f"{directory}/queries.f32", dtype=np.float32).reshape(-1, dim)
unit = lambda x: x / np.linalg.norm(x, axis=1, keepdims=True)
exact = np.argsort(-(unit(queries) @ unit(data).T), axis=1)[:, :10]

index = hnswlib.Index(space="cosine", dim=dim)
index.init_index(max_elements=len(data), M=16, ef_construction=100, random_seed=42)
index.set_num_threads(1)
started = time.perf_counter()
index.add_items(data, np.arange(len(data)))
build = time.perf_counter() - started
print(f"hnswlib: {len(data):,} x {dim}, build (1 thread) {build:.1f} s = {len(data) / build:,.0f} points/s")
print("| search | recall@10 | query p50 (ms) |")
print("|---|---:|---:|")
for ef in efs:
    index.set_ef(ef)
    times, recall = [], 0.0
    for q in range(len(queries)):
        started = time.perf_counter()
        labels, _ = index.knn_query(queries[q:q + 1], k=10)
        times.append((time.perf_counter() - started) * 1000)
        recall += len(set(labels[0]) & set(exact[q])) / 10
    print(f"| hnswlib ef {ef} | {recall / len(queries):.3f} | {np.median(times):.3f} |")
